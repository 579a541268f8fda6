from lxml import etree

from odoo import api, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools.safe_eval import safe_eval


class ServiceDashboard(models.AbstractModel):
    """Where each role lands in Field Service, and the figures of the day.

    Opening the app runs ``action_fsm_home`` (a server action), which asks
    ``_get_home_action``: a technician lands on My day, a coordinator on the
    planning, a manager on the day's dashboard (``action_fsm_today``).

    The dashboard is a list of tiles (``_get_day_tiles``), each a window action
    and the names of filters of its search view. The tile's figure is counted
    with those filters' own domains, read from the search view, and a click
    opens the action with the same filters as facets: the figure and the list
    it opens cannot disagree, and the user can remove a facet to widen the list.
    Addons add tiles by extending ``_get_day_tiles``.
    """

    _name = "service.dashboard"
    _description = "Field service home and day dashboard"

    # ------------------------------------------------------------------
    # Landing
    # ------------------------------------------------------------------
    @api.model
    def _get_home_action(self):
        """The action a user lands on when opening Field Service, by role."""
        user = self.env.user
        if user.has_group("fsm_orders.group_fsm_manager"):
            return self.env["ir.actions.actions"]._for_xml_id("fsm_orders.action_fsm_today")
        if user.has_group("fsm_orders.group_fsm_coordinator"):
            return self._get_team_scoped_action(
                "fsm_orders.action_service_order_calendar", "fsm_orders.action_server_planning"
            )
        # technicians land on their visits, the screen that opens without a network
        return self.env["ir.actions.client"]._for_xml_id("fsm_orders.action_fsm_visit")

    @api.model
    def _user_coordinates_a_team(self):
        return bool(
            self.env["service.team"].search_count([("coordinator_id", "=", self.env.uid)], limit=1)
        )

    @api.model
    def _get_team_scoped_action(self, xml_id, server_xml_id):
        """The window action ``xml_id``, filtered on *My teams* for a user who
        coordinates a team, and showing everything to one who coordinates none
        (a manager, an administrator): nobody starts on an empty list that is
        not empty. The facet stays removable either way.

        The action takes the path of the server action ``server_xml_id`` that
        asks for it, so that a reload of the address decides again."""
        action = self.env["ir.actions.act_window"]._for_xml_id(xml_id)
        context = self._eval_action_context(action)
        context.pop("search_default_filter_my_teams", None)
        if self._user_coordinates_a_team():
            context["search_default_filter_my_teams"] = 1
        action["context"] = context
        # sudo: any role may read where its own menu leads
        action["path"] = self.env.ref(server_xml_id).sudo().path
        return action

    def _eval_action_context(self, action):
        context = action.get("context") or {}
        if isinstance(context, str):
            context = safe_eval(context, {"uid": self.env.uid, "context": self.env.context})
        return dict(context)

    # ------------------------------------------------------------------
    # The day's figures
    # ------------------------------------------------------------------
    @api.model
    def _get_day_tiles(self):
        """The dashboard's tiles, in order: dicts of

        * ``key``: unique, the name a click sends back;
        * ``section``: the heading it is shown under;
        * ``label``, and ``help`` for its tooltip;
        * ``action``: the XML id of a window action;
        * ``filters``: names of filters of that action's search view, applied
          together (and shown as facets when the tile is opened);
        * ``tone``: ``danger``, ``warning``, ``success`` or ``muted`` (colour);
        * ``groups``: optional, the groups that see the tile.
        """
        orders = "fsm_orders.action_service_order"
        today = self.env._("Orders today")
        return [
            {
                "key": "orders_to_plan",
                "section": self.env._("To do"),
                "label": self.env._("To plan"),
                "help": self.env._("Orders not planned yet, whatever their date."),
                "action": orders,
                "filters": ["filter_unplanned"],
                "tone": "warning",
            },
            {
                "key": "orders_unassigned",
                "section": self.env._("To do"),
                "label": self.env._("No technician"),
                "help": self.env._("Open orders nobody is assigned to."),
                "action": orders,
                "filters": ["filter_unassigned"],
                "tone": "warning",
            },
            {
                "key": "orders_late",
                "section": self.env._("To do"),
                "label": self.env._("Late"),
                "help": self.env._("Planned orders whose scheduled end has passed."),
                "action": orders,
                "filters": ["filter_late"],
                "tone": "danger",
            },
            *(
                {
                    "key": f"orders_today_{state}",
                    "section": today,
                    "label": label,
                    "help": self.env._("Orders scheduled today in this state."),
                    "action": orders,
                    "filters": ["filter_today", f"filter_state_{state}"],
                    "tone": "success" if state == "done" else "muted",
                }
                for state, label in self.env["service.order"]
                ._fields["state"]
                ._description_selection(self.env)
                if state not in ("draft", "cancelled")
            ),
        ]

    @api.model
    def _get_visible_tiles(self):
        return [
            tile
            for tile in self._get_day_tiles()
            if not tile.get("groups") or self.env.user.has_groups(tile["groups"])
        ]

    @api.model
    def get_day_overview(self):
        """The tiles with their figures, grouped by section, and the same
        figures per team (``teams``, see ``_get_team_breakdown``). Each tile
        is counted once: on a model with a team, one grouped count gives the
        tile's figure (the sum) and its cells."""
        self._check_dashboard_access()
        sections, columns, by_team = {}, [], {}
        for tile in self._get_visible_tiles():
            action = self.env["ir.actions.act_window"]._for_xml_id(tile["action"])
            model = self.env[action["res_model"]]
            domain = self._get_filters_domain(action, tile["filters"])
            team_field = model._fields.get("team_id")
            if team_field and team_field.comodel_name == "service.team":
                groups = model._read_group(domain, ["team_id"], ["__count"])
                count = sum(n for _team, n in groups)
                columns.append(tile)
                for team, n in groups:
                    by_team.setdefault(team, {})[tile["key"]] = n
            else:
                count = model.search_count(domain)
            sections.setdefault(tile["section"], []).append(
                {
                    "key": tile["key"],
                    "label": tile["label"],
                    "help": tile.get("help", ""),
                    "tone": tile.get("tone", "muted"),
                    "count": count,
                }
            )
        return {
            "sections": [{"name": name, "tiles": tiles} for name, tiles in sections.items()],
            "teams": self._get_team_breakdown(columns, by_team),
        }

    @api.model
    def _get_team_breakdown(self, tiles, by_team):
        """The table by team: ``columns`` the ``tiles`` counted by team, in
        their order, headed by their ``sections`` (name and span); ``rows``
        the teams with a figure, and "No team" last when some records have
        none. ``by_team`` is {team: {tile key: count}}. A cell opens like its
        tile, with the team as one more facet (``action_open_tile``)."""
        columns = [
            {
                "key": tile["key"],
                "label": tile["label"],
                "tone": tile.get("tone", "muted"),
                "section": tile["section"],
            }
            for tile in tiles
        ]
        teams = self.env["service.team"].browse([t.id for t in by_team if t]).sorted()
        rows = [
            {"id": team.id, "name": team.display_name, "counts": by_team[team]} for team in teams
        ]
        no_team = self.env["service.team"]
        if no_team in by_team:
            rows.append({"id": False, "name": self.env._("No team"), "counts": by_team[no_team]})
        sections = []
        for column in columns:
            if sections and sections[-1]["name"] == column["section"]:
                sections[-1]["span"] += 1
            else:
                sections.append({"name": column["section"], "span": 1})
        return {"sections": sections, "columns": columns, "rows": rows}

    @api.model
    def action_open_tile(self, key, team_id=None):
        """The tile's list: its action with its filters as facets, and only
        them; with ``team_id`` (a cell of the breakdown by team), the team as
        one facet more (``False``: the orders without a team)."""
        self._check_dashboard_access()
        tile = next((t for t in self._get_visible_tiles() if t["key"] == key), None)
        if not tile:
            raise UserError(self.env._("This figure is no longer on the dashboard; reload it."))
        action = self.env["ir.actions.act_window"]._for_xml_id(tile["action"])
        context = {
            key: value
            for key, value in self._eval_action_context(action).items()
            if not key.startswith("search_default_")
        }
        context.update({f"search_default_{name}": 1 for name in tile["filters"]})
        action["display_name"] = tile["label"]
        if team_id is not None:
            if "team_id" not in self.env[action["res_model"]]._fields:
                raise UserError(self.env._("This figure is not counted by team."))
            if team_id:
                valid = isinstance(team_id, int) and not isinstance(team_id, bool)
                team = self.env["service.team"].browse(team_id if valid else []).exists()
                if not team:
                    raise UserError(self.env._("This team no longer exists; reload the dashboard."))
                context["search_default_team_id"] = team.id
                action["display_name"] = f"{tile['label']} · {team.display_name}"
            else:
                context["search_default_filter_no_team"] = 1
                action["display_name"] = f"{tile['label']} · {self.env._('No team')}"
        action["context"] = context
        return action

    def _check_dashboard_access(self):
        if not self.env.user.has_group("fsm_orders.group_fsm_coordinator"):
            raise AccessError(self.env._("The day's dashboard is for coordinators and managers."))

    @api.model
    def _get_filters_domain(self, action, filter_names):
        """The domain a list shows when the window ``action`` (an XML id or its
        dict) is opened with the filters ``filter_names`` of its search view:
        their domains read from the view, combined as the web client combines
        facets (filters of one group with OR, groups with AND), and the
        action's own domain. Figures counted with it match the list they open."""
        if isinstance(action, str):
            action = self.env["ir.actions.act_window"]._for_xml_id(action)
        model = self.env[action["res_model"]]
        view_id = action.get("search_view_id") and action["search_view_id"][0]
        arch = etree.fromstring(model.get_view(view_id, "search")["arch"])
        eval_context = {"uid": self.env.uid, "context": self.env.context}
        by_group = {}
        group = 0
        for node in arch.iter("filter", "separator", "group"):
            if node.tag != "filter":
                group += 1
            elif node.get("name") in filter_names:
                if not node.get("domain"):
                    raise UserError(
                        self.env._("Filter %s has no domain to count.", node.get("name"))
                    )
                by_group.setdefault(group, []).append(
                    Domain(safe_eval(node.get("domain"), eval_context))
                )
        missing = set(filter_names) - {n.get("name") for n in arch.iter("filter")}
        if missing:
            raise UserError(
                self.env._(
                    "The search view of %(model)s has no filter %(names)s.",
                    model=action["res_model"],
                    names=", ".join(sorted(missing)),
                )
            )
        domain = Domain(safe_eval(action.get("domain") or "[]", eval_context))
        for domains in by_group.values():
            domain &= Domain.OR(domains)
        return domain
