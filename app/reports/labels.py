"""Mailing labels (邮寄标签) for the filtered client list (festival cards; seed 002's reference product prints them):
A4 sheets of common label stock, each label placed in exact millimetres so a sheet of real labels lines up.
Two queries whatever the number of clients: the list's columns, and each client's first contact by a window."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from app.archive.enums import Gender
from app.archive.models import Client, Contact
from app.extensions import db


@dataclass(frozen=True)
class Layout:
    """A sheet of ``columns`` × ``rows`` labels of ``width`` × ``height`` mm; the first label's top-left corner at
    (``left``, ``top``) mm from the sheet's; ``pitch_x`` / ``pitch_y`` mm from one label's corner to the next."""

    label: object
    columns: int
    rows: int
    width: float
    height: float
    top: float
    left: float
    pitch_x: float
    pitch_y: float

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def position(self, index: int) -> tuple[float, float]:
        """(left, top) in mm of the label at ``index`` on its sheet, row by row."""
        row, column = divmod(index % self.per_sheet, self.columns)
        return round(self.left + column * self.pitch_x, 2), round(self.top + row * self.pitch_y, 2)


# The stock sold in China and Europe under these sizes (A4, 210 × 297 mm); the sheet's free margin is split evenly.
LAYOUTS = {
    "3x7": Layout(_l("3 × 7 (21 labels, 70 × 42.3 mm)"), 3, 7, 70, 42.3, 0.45, 0, 70, 42.3),
    "2x7": Layout(_l("2 × 7 (14 labels, 99.1 × 38.1 mm)"), 2, 7, 99.1, 38.1, 15.15, 4.65, 101.6, 38.1),
    "3x8": Layout(_l("3 × 8 (24 labels, 70 × 37 mm)"), 3, 8, 70, 37, 0.5, 0, 70, 37),
}
DEFAULT_LAYOUT = "3x7"


@dataclass
class Label:
    postcode: str
    address: str
    client: str
    addressee: str


def addressee(name: str, gender: Gender | None, title: str) -> str:
    """张伟 先生 收 when the gender is known, otherwise 张伟 主任 收 (name and title), or just 张伟 收."""
    polite = {Gender.MALE: "先生", Gender.FEMALE: "女士"}.get(gender) or title
    return " ".join(part for part in (name, polite, "收") if part)


def first_contacts(clients: Select) -> Select:
    """Per client of ``clients`` (a select of Client ids), its first contact still there: key persons first."""
    first = func.row_number().over(partition_by=Contact.client_id,
                                   order_by=(Contact.is_key_person.desc(), Contact.name, Contact.id)).label("n")
    ranked = (select(Contact.client_id, Contact.name, Contact.gender, Contact.title, first)
              .where(Contact.client_id.in_(clients), Contact.deleted_at.is_(None),
                     Contact.still_at_client.is_(True)).subquery())
    return select(ranked.c.client_id, ranked.c.name, ranked.c.gender, ranked.c.title).where(ranked.c.n == 1)


def mailing_labels(clients: Select) -> tuple[list[Label], list[str]]:
    """The labels of the clients in ``clients`` (the client list's scoped, filtered, ordered select), in its order,
    and the names of those skipped for want of an address."""
    rows = db.session.execute(clients.with_only_columns(Client.id, Client.name, Client.postcode, Client.address)
                              ).all()
    people = {row.client_id: row for row in db.session.execute(
        first_contacts(clients.with_only_columns(Client.id).order_by(None)))}
    labels, skipped = [], []
    for row in rows:
        if not row.address.strip():
            skipped.append(row.name)
            continue
        person = people.get(row.id)
        labels.append(Label(row.postcode, row.address, row.name,
                            addressee(person.name, person.gender, person.title) if person else ""))
    return labels, skipped


def sheets(labels: list[Label], layout: Layout) -> list[list[tuple[Label, float, float]]]:
    """The labels cut into sheets, each label with its (left, top) position in mm."""
    return [[(label, *layout.position(index)) for index, label in enumerate(labels[start:start + layout.per_sheet])]
            for start in range(0, len(labels), layout.per_sheet)]
