"""The one error type bad raw input raises: a message a user can act on, never a stack trace."""


class RawInputError(ValueError):
    """Raw export that cannot be read: the message names the file, the column and example rows."""
