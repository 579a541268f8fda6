import { reactive } from "@odoo/owl";
import { serializeDateTime } from "@web/core/l10n/dates";
import { ConnectionLostError, rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { session } from "@web/session";
import { user } from "@web/core/user";
import { IndexedDB } from "@web/core/utils/indexed_db";

const { DateTime } = luxon;

/** How many actions travel in one call: a batch holds photos, so a weak
 * network sends a few at a time and each answer frees the phone's queue. */
const BATCH_SIZE = 5;
/** While actions wait, the phone tries again this often (ms). */
const RETRY_DELAY = 15000;

/** Plain JSON data (actions and the day are JSON both ways). */
function plain(value) {
    return JSON.parse(JSON.stringify(value));
}

function newUuid() {
    if (crypto.randomUUID) {
        return crypto.randomUUID();
    }
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The phone's queue of visit actions and its copy of the day.
 *
 * Every tap of the visit screen becomes an action (a client-generated uuid,
 * its kind, the order, the moment of the tap and a payload) written to
 * IndexedDB first and then sent, in order, to ``service.order.fsm_sync``.
 * Online that happens at once; offline the queue waits for the network (the
 * browser's ``online`` event, and a retry every few seconds) and survives the
 * browser being closed. The server applies each uuid once, so an answer lost
 * on the way is simply sent again.
 *
 * The day (``service.order.fsm_visit_data``) is kept in the same database,
 * so that the visit screen opens today's orders without a network.
 * Effects registered in the ``fsm_visit_effects`` category replay the
 * waiting actions on that copy, so the screen shows what was done even
 * before the server has it.
 */
/**
 * The service worker keeps the actions the web client loads for users who
 * work offline (static/src/service_worker); the very first load of the visit
 * screen may happen before the worker controls the page, so the visit's
 * action is loaded once more through it, once per version of the server.
 */
function primeOfflineAction() {
    const controlled = navigator.serviceWorker?.controller;
    const key = "fsm_visit_action_primed";
    if (!session.fsm_offline || !controlled || localStorage.getItem(key) === session.registry_hash) {
        return;
    }
    rpc("/web/action/load", { action_id: "visit", context: user.context }, { silent: true }).then(
        () => localStorage.setItem(key, session.registry_hash),
        () => {}
    );
}

export const fsmSyncService = {
    dependencies: ["orm"],
    start(env, { orm }) {
        const db = new IndexedDB(`fsm_visit-${session.db || ""}-${user.userId}`, "1");
        const state = reactive({
            queue: [],
            conflicts: [],
            sending: false,
            offline: !navigator.onLine,
            error: "",
        });
        /** Conflicts the technician has acknowledged (OK), not shown again. */
        let seen = [];
        const listeners = new Set();
        let retryTimer = null;

        const ready = Promise.all([
            db.read("queue", "actions"),
            db.read("queue", "conflicts"),
            db.read("queue", "seen"),
        ]).then(([actions, conflicts, acknowledged]) => {
            state.queue = actions || [];
            state.conflicts = conflicts || [];
            seen = acknowledged || [];
        });

        async function persist() {
            // IndexedDB stores plain data, not the screen's reactive proxies
            await db.write("queue", "actions", plain(state.queue));
            await db.write("queue", "conflicts", plain(state.conflicts));
            await db.write("queue", "seen", seen);
        }

        function scheduleRetry() {
            clearTimeout(retryTimer);
            if (state.queue.length) {
                retryTimer = setTimeout(() => flush(), RETRY_DELAY);
            }
        }

        /**
         * Queue one action and try to send it.
         * @returns {Promise<Object>} the queued action
         */
        async function enqueue(kind, orderId, payload = {}) {
            await ready;
            const action = {
                uuid: newUuid(),
                kind,
                order_id: orderId,
                at: serializeDateTime(DateTime.now()),
                payload,
            };
            state.queue.push(action);
            await persist();
            notify({ queued: action });
            flush();
            return action;
        }

        /** Send what waits, a batch at a time, until the queue is empty or
         * the network fails. */
        async function flush() {
            await ready;
            if (state.sending || !state.queue.length) {
                return;
            }
            state.sending = true;
            let applied = false;
            try {
                while (state.queue.length) {
                    const batch = state.queue.slice(0, BATCH_SIZE);
                    let answer;
                    try {
                        answer = await orm.silent.call("service.order", "fsm_sync", [batch]);
                    } catch (error) {
                        if (error instanceof ConnectionLostError) {
                            state.offline = true;
                        } else {
                            state.error = error.data?.message || error.message || String(error);
                        }
                        break;
                    }
                    state.offline = false;
                    state.error = "";
                    const done = new Set();
                    for (const result of answer.results) {
                        done.add(result.uuid);
                        if (result.state === "applied") {
                            applied = true;
                        } else {
                            const action = batch.find((a) => a.uuid === result.uuid);
                            state.conflicts.push({ ...action, ...result, payload: undefined });
                        }
                    }
                    state.queue = state.queue.filter((a) => !done.has(a.uuid));
                    await persist();
                    if (!done.size) {
                        break; // the server answered nothing we know: try later
                    }
                }
            } finally {
                state.sending = false;
                scheduleRetry();
            }
            notify({ flushed: true, applied });
        }

        async function dismissConflict(uuid) {
            state.conflicts = state.conflicts.filter((c) => c.uuid !== uuid);
            seen = [...seen.slice(-200), uuid];
            await persist();
        }

        /** The day as last loaded (or false), without the network. */
        async function readDay() {
            return (await db.read("day", "today")) || false;
        }

        /** The day from the server, kept for offline use; false offline. */
        async function fetchDay() {
            try {
                const day = await orm.silent.call("service.order", "fsm_visit_data", []);
                state.offline = false;
                // the server's open conflicts of this user are the list (a
                // conflict applied again or discarded by the coordinator goes)
                state.conflicts = day.conflicts.filter((c) => !seen.includes(c.uuid));
                await persist();
                await db.write("day", "today", plain(day));
                return day;
            } catch (error) {
                if (error instanceof ConnectionLostError) {
                    state.offline = true;
                    return false;
                }
                throw error;
            }
        }

        function notify(event) {
            for (const listener of listeners) {
                listener(event);
            }
        }

        function subscribe(listener) {
            listeners.add(listener);
            return () => listeners.delete(listener);
        }

        window.addEventListener("online", () => {
            state.offline = false;
            flush();
        });
        window.addEventListener("offline", () => {
            state.offline = true;
        });
        ready.then(() => flush());
        primeOfflineAction();

        return {
            state,
            ready,
            enqueue,
            flush,
            dismissConflict,
            readDay,
            fetchDay,
            subscribe,
        };
    },
};

registry.category("services").add("fsm_sync", fsmSyncService);
