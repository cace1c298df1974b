"""The contracts section of the client page: each contract with its amount, received and outstanding."""
from flask import render_template
from markupsafe import Markup

from app.core.paging import paginate
from app.core.plugins import client_panel
from app.deals.contracts import ContractFilters, contract_list, may_sign_for

SHOWN = 10


@client_panel(order=30)
def contracts_panel(client, user, **_others) -> Markup:
    page = paginate(contract_list(user, ContractFilters(client=client.id)), 1, SHOWN, rows=True)
    return Markup(render_template("deals/contract_panel.html", client=client, page=page,
                                  may_sign=may_sign_for(user, client)))
