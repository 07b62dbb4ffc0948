"""Errors raised when a domain rule refuses a command."""


class DomainError(Exception):
    """A rule of the domain refused a command."""


class IllegalStepError(DomainError):
    """The step is not allowed in the aggregate's current state."""

    def __init__(self, message: str, state: str, allowed_steps: list[str]):
        super().__init__(message)
        self.message = message
        self.state = state
        self.allowed_steps = allowed_steps


class InvalidValueError(DomainError):
    """A value given to a command breaks a rule; names the field."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
