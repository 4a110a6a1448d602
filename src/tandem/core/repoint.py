"""Move every reference to one row onto another (what a merge of two records does), whatever app
the referring table belongs to, without breaking the referring tables' unique constraints.

A table that links a record to something once — a person on a deal, a person on an item, a
membership — holds a unique constraint over the foreign key and the other side. When both the
survivor and the duplicate are linked to the same thing, re-pointing the duplicate's row would
break that constraint; the survivor's row already says it, so the duplicate's row is dropped.
The rule is read from the constraints themselves (a unique field, `unique_together`, a
`UniqueConstraint` over fields, with its condition), so a table a later app adds is covered
without a line here."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.db import models
from django.db.models import F, Q
from django.db.models.fields.related import ForeignKey
from django.db.models.fields.reverse_related import ForeignObjectRel


class UnsupportedUniqueConstraint(Exception):
    """A unique constraint over a reference that this module cannot evaluate (an expression)."""


@dataclass(frozen=True)
class UniqueSet:
    """Columns that are unique together (among the rows `condition` selects, if any)."""

    fields: tuple[str, ...]
    condition: Q | None = None
    nulls_distinct: bool = True


@dataclass(frozen=True)
class Reference:
    """A foreign key of `model` (a table of any app) that points at the merged model."""

    model: type[models.Model]
    field: ForeignKey[models.Model, models.Model]

    @property
    def name(self) -> str:
        return str(self.model._meta.model_name)


def references_to(model: type[models.Model], *, skip: Collection[type[models.Model]] = ()) -> list[Reference]:
    """Every foreign key pointing at `model`, hidden ones included: tables without a reverse
    accessor (`related_name="+"`) and the tables behind other models' many-to-many fields. The
    model's own self-references (such as `merged_into`) and the tables in `skip` are left out."""
    found: list[Reference] = []
    for relation in model._meta.get_fields(include_hidden=True):
        if not isinstance(relation, ForeignObjectRel) or relation.many_to_many:
            continue  # a many-to-many's table is listed itself, as a hidden many-to-one
        referring = relation.related_model
        if referring is model or referring in skip or not isinstance(relation.field, ForeignKey):
            continue
        assert isinstance(referring, type)
        found.append(Reference(referring, relation.field))
    return found


def unique_sets(reference: Reference) -> list[UniqueSet]:
    """The unique constraints of the referring table that include the reference."""
    meta = reference.model._meta
    name = reference.field.name
    sets: list[UniqueSet] = []
    if reference.field.unique:
        sets.append(UniqueSet((name,)))
    for together in meta.unique_together:
        if name in together:
            sets.append(UniqueSet(tuple(together)))
    for constraint in meta.constraints:
        if not isinstance(constraint, models.UniqueConstraint):
            continue
        fields = tuple(constraint.fields) or tuple(_field_of(e) for e in constraint.expressions)
        if name in fields:
            sets.append(
                UniqueSet(fields, constraint.condition, nulls_distinct=constraint.nulls_distinct is not False)
            )
    return sets


def _field_of(expression: object) -> str:
    if isinstance(expression, F):
        return str(expression.name)  # type: ignore[attr-defined]
    raise UnsupportedUniqueConstraint(
        f"A unique constraint over {expression!r} cannot be checked for a merge."
    )


def repoint(reference: Reference, source: models.Model, target: models.Model) -> int:
    """Point the rows that reference `source` at `target`. Rows that would then repeat a row
    `target` already has (by any unique constraint including the reference) are deleted first.
    Returns how many rows now point at `target` instead of `source`."""
    fk = reference.field.name
    manager = reference.model._default_manager
    for unique in unique_sets(reference):
        _drop_clashes(reference, unique, source, target)
    return int(manager.filter(**{fk: source}).update(**{fk: target}))


def _drop_clashes(
    reference: Reference, unique: UniqueSet, source: models.Model, target: models.Model
) -> None:
    meta = reference.model._meta
    fk = reference.field.name
    manager = reference.model._default_manager
    others = [meta.get_field(name).attname for name in unique.fields if name != fk]  # type: ignore[union-attr]
    kept = manager.filter(**{fk: target})
    moving = manager.filter(**{fk: source})
    if unique.condition is not None:
        kept, moving = kept.filter(unique.condition), moving.filter(unique.condition)
    if not others:
        if kept.exists():
            moving.delete()
        return
    taken = {tuple(values) for values in kept.values_list(*others)}
    clashes = [pk for pk, *values in moving.values_list("pk", *others) if _clash(values, taken, unique)]
    if clashes:
        manager.filter(pk__in=clashes).delete()


def _clash(values: Sequence[object], taken: set[tuple[object, ...]], unique: UniqueSet) -> bool:
    # Two NULLs are different values to a unique constraint unless it says otherwise.
    if unique.nulls_distinct and any(value is None for value in values):
        return False
    return tuple(values) in taken
