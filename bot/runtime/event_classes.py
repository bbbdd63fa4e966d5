"""Find an event's class by its type name without walking the class tree each time.

Rasa 3.6 turns every stored event back into an object with ``Event.resolve_by_type``, which
lists every subclass of ``Event`` recursively (``all_subclasses``, with an ``isabstract`` check
per class) and compares names, for each event of each tracker it loads. Under 20 concurrent
conversations that walk was 3% of a Rasa worker's event-loop time (py-spy, ``--gil``).
:func:`install` answers from a table built from the same walk, in the same order (the first
class with a name wins, as in Rasa's loop); a name the table lacks (a class defined after it
was built, ``topic``, an unknown name) goes to Rasa's own method, so errors are Rasa's.
"""

from __future__ import annotations

from functools import cache

from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

_RASA_RESOLVE = Event.resolve_by_type


@cache
def event_classes() -> dict[str, type[Event]]:
    """Type name -> class, for every event class imported when first asked."""
    classes: dict[str, type[Event]] = {}
    for cls in all_subclasses(Event):
        classes.setdefault(cls.type_name, cls)
    return classes


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """``Event.resolve_by_type`` from the table, else from Rasa's walk."""
    found = event_classes().get(type_name)
    return found if found is not None else _RASA_RESOLVE(type_name, default)


def install() -> None:
    """Make ``Event.resolve_by_type`` use the table in this process."""
    Event.resolve_by_type = staticmethod(resolve_by_type)
