"""`tandem generate`: deterministic benchmark data at named scales (see `scales.SCALES`).

Rows are written straight to the database in bulk for speed, bypassing the services, but every
derived field is computed with the functions the services use, so the data is what Tandem itself
would have stored. Modules: `scales` (how much), `data` and `naming` (what it looks like), `draws`
(per-row randomness), `phones`, `rows` (the drafts), `writer` (bulk SQL), `runner` (the stages)."""
