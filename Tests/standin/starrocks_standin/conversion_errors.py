"""The two ways a value or a type can be wrong (shared by values.py and its helpers)."""


class ParseError(Exception):
    """A field could not be converted to the column type."""


class TypeDefError(Exception):
    """Bad type in DDL."""
