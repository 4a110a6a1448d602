"""The cost of sender verification alone (tandem.mailgate.trust.verify), per message, on the batch of
bench/mailgate.py: unsigned with the DKIM self-check off, and every message DKIM-signed and checked
(keys from a dictionary, no DNS); reading each message with the gateway's parser for scale.

    .venv/bin/python -m bench.mailgate_verify [--messages 300] [--rounds 3]

Medians of `--rounds` passes over the batch, printed. Uses the SQLite database of bench/mailgate.py
(made afresh) for the batch's known contacts."""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from bench import mailgate


def _per_message(work: Callable[[], int], count: int, rounds: int) -> tuple[float, int]:
    times, result = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - start) / count * 1000)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261202)
    args = parser.parse_args()
    mailgate._setup("sqlite")
    from tandem.mailgate import trust
    from tandem.mailgate.parsing import parse

    seeded = mailgate._seed(args.messages, args.seed)
    batch = mailgate._messages(args.messages, args.seed, seeded)
    signing = mailgate.Signing.new()
    signed = [signing.sign(m) for m in batch]
    n = len(batch)

    def verify(messages: list[mailgate.Outgoing]) -> Callable[[], int]:
        return lambda: len([m for m in messages if trust.verify(m.raw, m.sender).verified])

    with mailgate._verification(None):
        off, none = _per_message(verify(batch), n, args.rounds)
    with mailgate._verification(signing.lookup(batch)):
        on, verified = _per_message(verify(signed), n, args.rounds)
    parsing, _count = _per_message(lambda: len([parse(m.raw) for m in batch]), n, args.rounds)
    print(f"{n} messages, medians of {args.rounds} rounds, ms a message:")
    print(f"  verification off (unsigned, self-check off): {off:.2f} ({none} verified)")
    print(f"  verification on (DKIM-signed, checked): {on:.2f} ({verified} verified)")
    print(f"  parsing the message, for scale: {parsing:.2f}")


if __name__ == "__main__":
    main()
