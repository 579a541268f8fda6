from datetime import timedelta

from odoo.tests import tagged

from odoo.addons.fsm_orders.tests.common import CompanySeparationMixin

from .common import WorktimeCase


@tagged("post_install", "-at_install")
class TestWorkTimeCompanies(CompanySeparationMixin, WorktimeCase):
    """A coordinator of another company sees nothing of this company's work
    times, types, approved weeks, anomalies, goals or figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_other_company()

    def test_another_companys_coordinator_sees_nothing(self):
        week_ago = self.t0 - timedelta(days=7)
        travel = self._entry(week_ago, 1.0, work_type=self.type_travel)
        self.env["service.work.time.type"].create(
            {"name": "Workshop", "category": "work", "company_id": self.company.id}
        )
        self.env["service.work.week"].with_user(self.user_coord_north)._fsm_approve(travel)
        self.env["service.work.anomaly"]._fsm_refresh(self.tech_north, {travel._fsm_local_date()})
        self.env["service.kpi.goal"].create(
            {"kpi": "travel_share", "target": 20, "company_id": self.company.id}
        )
        self._assert_other_company_sees_nothing("fsm_worktime")
