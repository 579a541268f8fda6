import { reactive } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { _t } from "@web/core/l10n/translation";
import { ConnectionLostError, rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { session } from "@web/session";

/** A new fix is kept when this long has passed since the last kept one (ms)… */
export const MIN_INTERVAL = 2 * 60 * 1000;
/** …or when the technician moved this far from it (m). */
export const MIN_DISTANCE = 200;
/** While fixes wait (offline, server down), the phone tries again this often (ms). */
const RETRY_DELAY = 30 * 1000;
/** Fixes per call, and the most a phone keeps waiting (the oldest go first). */
const BATCH_SIZE = 100;
const QUEUE_MAX = 720; // a day at one fix per 2 minutes
/** Set to "1" in localStorage to run the service in a tour or test. */
export const TEST_FLAG = "fsm_position.in_tests";

/** Metres between two {latitude, longitude} (haversine). */
export function distanceMeters(a, b) {
    const rad = Math.PI / 180;
    const dLat = (b.latitude - a.latitude) * rad;
    const dLon = (b.longitude - a.longitude) * rad;
    const h =
        Math.sin(dLat / 2) ** 2 +
        Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
    return 2 * 6371000 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Whether ``fix`` (with ``time`` in ms) is worth sending after ``last``. */
export function shouldKeep(last, fix) {
    return (
        !last ||
        fix.time - last.time >= MIN_INTERVAL ||
        distanceMeters(last, fix) >= MIN_DISTANCE
    );
}

/** A browser GeolocationPosition as the server's /fsm/position/phone takes it. */
function toFix(position) {
    const { latitude, longitude, accuracy, speed, heading } = position.coords;
    const fix = {
        latitude,
        longitude,
        recorded_at: new Date(position.timestamp).toISOString(),
        time: position.timestamp,
    };
    if (Number.isFinite(accuracy)) {
        fix.accuracy = accuracy;
    }
    if (Number.isFinite(speed)) {
        fix.speed = speed * 3.6; // m/s → km/h
    }
    if (Number.isFinite(heading)) {
        fix.heading = heading;
    }
    return fix;
}

/**
 * The technician's phone shares its position while they consent.
 *
 * Runs for users the server says are technicians with an employee
 * (``session.fsm_position``, see ir.http.session_info). While their consent
 * (``hr.employee.fsm_share_position``) is on, the browser's
 * ``watchPosition`` feeds fixes; one is kept per 2 minutes, or sooner when
 * the technician moved 200 m, queued in localStorage and sent to
 * ``/fsm/position/phone``. Offline, the queue waits and is sent again on the
 * ``online`` event and every 30 seconds. The server decides what is stored
 * (working hours, absences); when it answers that consent is off, or the
 * technician switches it off, watching stops and the queue is dropped.
 *
 * In a test server (tours, unit tests) nothing starts unless asked (the
 * TEST_FLAG in localStorage, or ``start({ force: true })``), so that no
 * browser ever waits on a geolocation prompt there.
 */
export const fsmPositionService = {
    dependencies: ["notification"],
    start(env, { notification }) {
        const info = session.fsm_position;
        // read when used: a tour replaces it with a fake
        const geo = () => browser.navigator.geolocation;
        const storageKey = `fsm_position_queue-${session.db || ""}-${user.userId}`;
        const state = reactive({
            available: Boolean(info && info.employee),
            supported: Boolean(geo()),
            sharing: Boolean(info && info.sharing),
            watching: false,
            denied: false,
            offline: false,
            waiting: 0,
            busy: false,
            lastSent: "",
        });
        let queue = readQueue();
        let last = null;
        let watchId = null;
        let sending = false;
        let retryTimer = null;
        state.waiting = queue.length;

        function readQueue() {
            try {
                return JSON.parse(browser.localStorage.getItem(storageKey) || "[]");
            } catch {
                return [];
            }
        }

        function saveQueue() {
            queue = queue.slice(-QUEUE_MAX);
            state.waiting = queue.length;
            if (queue.length) {
                browser.localStorage.setItem(storageKey, JSON.stringify(queue));
            } else {
                browser.localStorage.removeItem(storageKey);
            }
        }

        function allowedHere() {
            return !session.test_mode || browser.localStorage.getItem(TEST_FLAG) === "1";
        }

        function startWatching() {
            if (watchId !== null || !geo() || !state.sharing) {
                return;
            }
            watchId = geo().watchPosition(onPosition, onError, {
                enableHighAccuracy: true,
                maximumAge: 30 * 1000,
                timeout: 5 * 60 * 1000,
            });
            state.watching = true;
        }

        function stopWatching() {
            if (watchId !== null) {
                geo().clearWatch(watchId);
            }
            watchId = null;
            last = null;
            state.watching = false;
        }

        /** Consent is off: nothing more is sent, not even what waits. */
        function stopSharing() {
            state.sharing = false;
            stopWatching();
            queue = [];
            saveQueue();
        }

        function onPosition(position) {
            const fix = toFix(position);
            if (!shouldKeep(last, fix)) {
                return;
            }
            last = fix;
            state.denied = false;
            queue.push(fix);
            saveQueue();
            flush();
        }

        function onError(error) {
            if (error.code === error.PERMISSION_DENIED) {
                state.denied = true;
                stopWatching();
            }
            // unavailable or timed out: the browser goes on watching
        }

        function scheduleRetry() {
            browser.clearTimeout(retryTimer);
            if (queue.length) {
                retryTimer = browser.setTimeout(flush, RETRY_DELAY);
            }
        }

        /** Send what waits, a batch at a time, until done or offline. */
        async function flush() {
            if (sending || !queue.length) {
                return;
            }
            sending = true;
            try {
                while (queue.length && state.sharing) {
                    const batch = queue.slice(0, BATCH_SIZE);
                    const fixes = batch.map(({ time, ...fix }) => fix);
                    let answer;
                    try {
                        answer = await rpc("/fsm/position/phone", { fixes }, { silent: true });
                    } catch (error) {
                        if (error instanceof ConnectionLostError) {
                            state.offline = true;
                            break;
                        }
                        // the server refused the batch itself: sending it again won't help
                        answer = null;
                    }
                    state.offline = false;
                    queue = queue.slice(batch.length);
                    saveQueue();
                    if (answer && answer.stored) {
                        state.lastSent = new Date().toLocaleTimeString([], {
                            hour: "2-digit",
                            minute: "2-digit",
                        });
                    }
                    if (answer && !answer.sharing) {
                        stopSharing();
                    }
                }
            } finally {
                sending = false;
                scheduleRetry();
            }
        }

        /** The browser's permission prompt, on the technician's own tap. */
        function askPermission() {
            if (!allowedHere()) {
                return Promise.resolve(true);
            }
            return new Promise((resolve) => {
                geo().getCurrentPosition(
                    (position) => {
                        onPosition(position);
                        resolve(true);
                    },
                    (error) => resolve(error.code !== error.PERMISSION_DENIED),
                    { enableHighAccuracy: true, timeout: 30 * 1000, maximumAge: 60 * 1000 }
                );
            });
        }

        /** Switch the technician's consent on or off; what it is now. */
        async function setSharing(share) {
            if (state.busy) {
                return state.sharing;
            }
            state.busy = true;
            try {
                if (share) {
                    if (!geo()) {
                        notification.add(_t("This browser cannot tell where the phone is."), {
                            type: "warning",
                        });
                        return false;
                    }
                    if (!(await askPermission())) {
                        state.denied = true;
                        notification.add(
                            _t(
                                "The browser does not let this site know your position: allow it in the browser's site settings, then switch sharing on again."
                            ),
                            { type: "warning", sticky: true }
                        );
                        return false;
                    }
                    state.denied = false;
                }
                const sharing = await rpc("/fsm/position/share", { share: Boolean(share) });
                if (sharing) {
                    state.sharing = true;
                    if (allowedHere()) {
                        startWatching();
                    }
                    flush();
                } else {
                    stopSharing();
                }
                return sharing;
            } finally {
                state.busy = false;
            }
        }

        /** Start watching (at load, or in a tour: ``force``). */
        function start({ force = false } = {}) {
            if (!state.available || !state.sharing || (!force && !allowedHere())) {
                return;
            }
            startWatching();
            flush();
        }

        browser.addEventListener("online", () => {
            state.offline = false;
            flush();
        });
        browser.addEventListener("offline", () => {
            state.offline = true;
        });
        if (state.available && !state.sharing && queue.length) {
            stopSharing(); // consent withdrawn elsewhere: what waited is not sent
        }
        start();

        return { state, setSharing, start, stop: stopWatching, flush };
    },
};

registry.category("services").add("fsm_position", fsmPositionService);
