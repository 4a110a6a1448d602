from __future__ import annotations

import pytest

from tandem.sales import services
from tandem.sales.models import Pipeline


@pytest.fixture
def pipeline(manager, finance_board) -> Pipeline:
    return services.create_pipeline(
        by=manager,
        name="New business",
        finance_board=finance_board,
        stages=[
            {"name": "Lead", "probability": 10},
            {"name": "Qualified", "probability": 30, "required_fields": ["value", "organization"]},
            {
                "name": "Proposal",
                "probability": 60,
                "required_document": "proposal",
                "checklist": ["Demo given"],
            },
        ],
    )


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    """Uploaded contracts go to a temporary folder, not the developer's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
