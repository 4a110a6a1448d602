"""Every write of the sales pipeline: pipelines and their stages, deals, their documents, winning
and losing. A deal's stage is its card's column on the pipeline's board, so a stage change goes
through tandem.work.services.move_item — by drag, form or API alike — and the sales rules
(tandem.sales.rules) check the stage's requirements and have the change noted here.

The package: `pipelines` (pipelines and stages), `deals` (deals, their contacts, documents,
stages, winning and losing, the finance ticket), `leads` and `activities`."""

from tandem.sales.services.activities import complete_activity, log_activity
from tandem.sales.services.deals import (
    MAX_UPLOAD_BYTES,
    add_contact,
    attach_document,
    close_won_deals_after,
    create_deal,
    enter_stage,
    finance_description,
    first_stage,
    lose,
    money,
    open_finance_ticket,
    remove_contact,
    stage_column,
    tick_step,
    update_deal,
    win,
)
from tandem.sales.services.leads import (
    LeadMatches,
    create_lead,
    disqualify_lead,
    lead_matches,
    qualify_lead,
)
from tandem.sales.services.pipelines import (
    add_stage,
    create_pipeline,
    move_stage,
    remove_stage,
    update_pipeline,
    update_stage,
)

__all__ = [
    "MAX_UPLOAD_BYTES",
    "LeadMatches",
    "add_contact",
    "add_stage",
    "attach_document",
    "close_won_deals_after",
    "complete_activity",
    "create_deal",
    "create_lead",
    "create_pipeline",
    "disqualify_lead",
    "enter_stage",
    "finance_description",
    "first_stage",
    "lead_matches",
    "log_activity",
    "lose",
    "money",
    "move_stage",
    "open_finance_ticket",
    "qualify_lead",
    "remove_contact",
    "remove_stage",
    "stage_column",
    "tick_step",
    "update_deal",
    "update_pipeline",
    "update_stage",
    "win",
]
