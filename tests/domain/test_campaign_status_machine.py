"""The campaign status machine is data; every move outside it is refused with a stable code."""
import pytest

from domain.campaigns.models import TRANSITIONS, Campaign, CampaignStatus
from domain.campaigns.service import transition
from domain.errors import InvalidTransition


@pytest.mark.parametrize("start", list(CampaignStatus))
def test_every_status_has_a_row_in_the_table(start):
    assert start in TRANSITIONS


def test_a_cancelled_campaign_can_never_run_again():
    campaign = Campaign(name="c", status=CampaignStatus.CANCELLED)
    with pytest.raises(InvalidTransition) as error:
        transition(campaign, CampaignStatus.RUNNING, code="CAMPAIGN_NOT_LAUNCHABLE")
    assert error.value.code == "CAMPAIGN_NOT_LAUNCHABLE"
    assert campaign.status is CampaignStatus.CANCELLED


def test_a_draft_may_be_scheduled_then_run_then_sent():
    campaign = Campaign(name="c", status=CampaignStatus.DRAFT)
    for status in (CampaignStatus.SCHEDULED, CampaignStatus.RUNNING, CampaignStatus.SENT, CampaignStatus.ARCHIVED):
        transition(campaign, status)
    assert campaign.status is CampaignStatus.ARCHIVED
