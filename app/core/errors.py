"""One way for a service to refuse: the message is for the person, the field (if any) is where it shows."""


class Refused(ValueError):
    """A write the rules do not allow; routes show the message beside ``field`` (or above the form)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def show_on(self, form) -> None:
        """Put the message beside its field, or with the form's own errors when no field is named."""
        if self.field and self.field in form:
            form[self.field].errors = [*form[self.field].errors, self.message]
        else:
            form.form_errors.append(self.message)
