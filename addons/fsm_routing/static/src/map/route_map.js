/**
 * The route map (client action ``fsm_routing.route_map``): a day of each
 * technician as a numbered route from their start location and back, the
 * unplanned orders as pins, where each technician was last seen, and the replay
 * of a technician's day from their positions. One server call
 * (service.route.map.get_map_data) feeds it; it reads the planning board's rows,
 * so a technician sees only their own route and a proposed plan shows as it does
 * on the board.
 *
 * Leaflet (static/lib/leaflet, BSD-2-Clause) is loaded when the map opens, not
 * with the backend. Tiles come from the URL of the settings; without one the
 * routes are drawn on a blank background and nothing is fetched.
 */
import { Component, onMounted, onWillStart, onWillUnmount, useRef, useState } from "@odoo/owl";
import { loadCSS, loadJS } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { actionParams, applyPlan, discardPlan, toggled } from "@fsm_routing/plan/plan_review";

const { DateTime } = luxon;

const LEAFLET = "/fsm_routing/static/lib/leaflet/";
// distinct on a light map and for the usual colour blindnesses (Tol's "muted")
const COLOURS = [
    "#332288",
    "#117733",
    "#CC6677",
    "#88CCEE",
    "#999933",
    "#AA4499",
    "#44AA99",
    "#882255",
    "#DDCC77",
    "#6699CC",
];

function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
        node.className = className;
    }
    if (text !== undefined && text !== null && text !== false) {
        node.textContent = String(text);
    }
    return node;
}

export class RouteMap extends Component {
    static template = "fsm_routing.RouteMap";
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.notification = useService("notification");
        const params = actionParams(this.props.action);
        this.state = useState({
            date: params.date || DateTime.local().toISODate(),
            teamIds: [],
            planId: params.plan_id || false,
            data: null,
            selected: null,
            track: null,
        });
        this.mapRef = useRef("map");
        onWillStart(() =>
            Promise.all([
                loadJS(`${LEAFLET}leaflet.js`),
                loadCSS(`${LEAFLET}leaflet.css`),
                this.fetch(),
            ]),
        );
        onMounted(() => {
            this.createMap();
            this.draw(true);
        });
        onWillUnmount(() => this.map?.remove());
    }

    async fetch() {
        this.state.data = await this.orm.call("service.route.map", "get_map_data", [], {
            day: this.state.date,
            team_ids: this.state.teamIds.length ? this.state.teamIds : null,
            plan_id: this.state.planId || null,
        });
    }

    async reload() {
        await this.fetch();
        this.state.track = null;
        if (!this.state.data.routes.some((route) => route.id === this.state.selected)) {
            this.state.selected = null;
        }
        this.draw(true);
    }

    // ---------------------------------------------------------------- reading
    get title() {
        return DateTime.fromISO(this.state.data.date).toFormat("cccc d LLLL yyyy");
    }
    colour(index) {
        return COLOURS[index % COLOURS.length];
    }
    time(iso) {
        return iso ? DateTime.fromISO(iso).setZone(this.state.data.tz).toFormat("HH:mm") : "";
    }
    positionOf(route) {
        return this.state.data.positions.find((fix) => fix.employee_id === route.id);
    }
    routeCount() {
        return this.state.data.routes.filter((route) => route.stops.length).length;
    }

    // ---------------------------------------------------------------- the map
    createMap() {
        const L = window.L;
        this.map = L.map(this.mapRef.el, { zoomControl: true, attributionControl: true });
        const { tile_url: url, tile_attribution: attribution } = this.state.data;
        if (url) {
            L.tileLayer(url, { maxZoom: 19, attribution }).addTo(this.map);
        }
        this.layers = L.layerGroup().addTo(this.map);
        this.map.setView([20, 0], 2);
    }

    /** Every layer again from the state; ``fit`` frames what is drawn. */
    draw(fit = false) {
        const L = window.L;
        const data = this.state.data;
        this.layers.clearLayers();
        const bounds = [];
        data.routes.forEach((route, index) => {
            const colour = this.colour(index);
            const faded = this.state.selected && this.state.selected !== route.id;
            const points = [route.home, ...route.stops.map((stop) => stop.point), route.home];
            const path = points.filter(Boolean);
            if (path.length > 1) {
                L.polyline(path, {
                    color: colour,
                    weight: faded ? 2 : 4,
                    opacity: faded ? 0.3 : 0.85,
                    dashArray: route.stops.some((stop) => stop.proposed) ? "8 6" : null,
                    className: "o_fsm_map_route",
                }).addTo(this.layers);
            }
            if (route.home) {
                L.marker(route.home, {
                    title: _t("%s: start location", route.name),
                    opacity: faded ? 0.4 : 1,
                    icon: L.divIcon({
                        className: "o_fsm_map_home",
                        html: `<i class="fa fa-home" style="color: ${colour}"></i>`,
                        iconSize: [22, 22],
                    }),
                }).addTo(this.layers);
                bounds.push(route.home);
            }
            for (const stop of route.stops) {
                L.marker(stop.point, {
                    title: `${stop.number}. ${stop.name}`,
                    opacity: faded ? 0.4 : 1,
                    icon: L.divIcon({
                        className: `o_fsm_map_stop${stop.proposed ? " o_fsm_map_stop_proposed" : ""}`,
                        html: `<span style="background: ${colour}">${Number(stop.number)}</span>`,
                        iconSize: [26, 26],
                    }),
                })
                    .bindPopup(() => this.popup(stop, route))
                    .addTo(this.layers);
                bounds.push(stop.point);
            }
        });
        for (const order of data.unplanned) {
            L.marker(order.point, {
                title: order.name,
                icon: L.divIcon({
                    className: "o_fsm_map_unplanned",
                    html: '<i class="fa fa-map-marker"></i>',
                    iconSize: [20, 28],
                    iconAnchor: [10, 28],
                }),
            })
                .bindPopup(() => this.popup(order, null))
                .addTo(this.layers);
            bounds.push(order.point);
        }
        for (const fix of data.positions) {
            const index = data.routes.findIndex((route) => route.id === fix.employee_id);
            L.marker(fix.point, {
                title: `${fix.name} · ${this.time(fix.recorded_at)}`,
                zIndexOffset: 1000,
                icon: L.divIcon({
                    className: "o_fsm_map_position",
                    html: `<span style="border-color: ${this.colour(Math.max(index, 0))}"></span>`,
                    iconSize: [18, 18],
                }),
            }).addTo(this.layers);
            bounds.push(fix.point);
        }
        const track = this.state.track;
        if (track && track.points.length) {
            const index = data.routes.findIndex((route) => route.id === track.employee_id);
            const line = track.points.map(([lat, lng]) => [lat, lng]);
            L.polyline(line, {
                color: this.colour(Math.max(index, 0)),
                weight: 3,
                dashArray: "2 6",
                className: "o_fsm_map_track",
            }).addTo(this.layers);
            // where the day's replay starts and ends, with the time of each
            const ends = [track.points[0], track.points.at(-1)];
            ends.forEach(([lat, lng, at], end) => {
                L.circleMarker([lat, lng], {
                    radius: 6,
                    color: this.colour(Math.max(index, 0)),
                    fillColor: end ? this.colour(Math.max(index, 0)) : "#fff",
                    fillOpacity: 1,
                    className: "o_fsm_map_track_end",
                })
                    .bindTooltip(`${track.name} · ${this.time(at)}`)
                    .addTo(this.layers);
            });
            bounds.push(...line);
        }
        this.map.invalidateSize();
        if (fit) {
            if (bounds.length) {
                this.map.fitBounds(bounds, { padding: [40, 40], maxZoom: 14 });
            } else {
                this.map.setView([20, 0], 2);
            }
        }
    }

    /** A stop's or an unplanned order's popup, built from text nodes. */
    popup(order, route) {
        const box = element("div", "o_fsm_map_popup");
        const title = route ? `${order.number}. ${order.name}` : order.name;
        box.append(element("div", "fw-bold", title));
        box.append(element("div", "", order.client));
        box.append(element("div", "text-muted small", order.site));
        if (route) {
            const when = `${this.time(order.start)}–${this.time(order.end)} · ${route.name}`;
            box.append(element("div", "small", when));
            if (order.proposed) {
                box.append(element("div", "badge text-bg-info", _t("Proposed")));
            }
        } else {
            box.append(element("div", "small text-warning", _t("Not planned yet")));
        }
        const open = element("button", "btn btn-sm btn-primary mt-1 o_fsm_map_open", _t("Open"));
        open.type = "button";
        open.addEventListener("click", () => this.openOrder(order.id));
        box.append(open);
        return box;
    }

    // ---------------------------------------------------------------- actions
    async shift(step) {
        this.state.date = DateTime.fromISO(this.state.data.date).plus({ days: step }).toISODate();
        await this.reload();
    }
    async today() {
        this.state.date = DateTime.local().toISODate();
        await this.reload();
    }
    async toggleTeam(teamId) {
        this.state.teamIds = toggled(this.state.teamIds, teamId);
        await this.reload();
    }
    select(route) {
        this.state.selected = this.state.selected === route.id ? null : route.id;
        if (this.state.track && this.state.track.employee_id !== this.state.selected) {
            this.state.track = null;
        }
        this.draw();
        const points = [route.home, ...route.stops.map((stop) => stop.point)].filter(Boolean);
        if (this.state.selected && points.length) {
            this.map.fitBounds(points, { padding: [40, 40], maxZoom: 15 });
        }
    }
    async replay(route) {
        const track = await this.orm.call("service.route.map", "get_track", [route.id], {
            day: this.state.data.date,
        });
        if (!track.points.length) {
            this.notification.add(_t("%s sent no position that day.", route.name), {
                type: "info",
            });
        }
        this.state.selected = route.id;
        this.state.track = track;
        this.draw(Boolean(track.points.length));
    }
    async applyPlan() {
        await applyPlan(this.orm, this.notification, this.state.planId);
        this.state.planId = false;
        await this.reload();
    }
    async discardPlan() {
        await discardPlan(this.orm, this.state.planId);
        this.state.planId = false;
        await this.reload();
    }
    openOrder(orderId) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "service.order",
            res_id: orderId,
            views: [[false, "form"]],
            target: "current",
        });
    }
    openBoard() {
        this.action.doAction({
            type: "ir.actions.client",
            tag: "fsm_routing.planning_board",
            name: _t("Planning board"),
            params: { date: this.state.data.date, plan_id: this.state.planId || false },
        });
    }
}

registry.category("actions").add("fsm_routing.route_map", RouteMap);
