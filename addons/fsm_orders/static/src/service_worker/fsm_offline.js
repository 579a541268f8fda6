// @odoo-module ignore
/* eslint-disable no-restricted-globals, no-undef */
/*
 * Field service: the technician's phone keeps working on a weak network and
 * without one.
 *
 * Prepended to Odoo's own service worker (web/static/src/service_worker.js):
 * its fetch listener answers the requests it knows first, and it reuses
 * Odoo's functions (navigateOrDisplayOfflinePage, readDataOnCache,
 * extractSessionInfo) and variables (sessionInfo, offLineURL).
 *
 * 1. The web client's files are kept in a cache of their own: the bundles
 *    and the translations, whose URL changes with their content, are served
 *    from the copy without asking the network; the static files and images
 *    from the copy at once, refreshed in the background; the menus from the
 *    network, or from the copy when the network does not answer in time.
 * 2. Odoo keeps the page's session data in the worker's memory only, so a
 *    phone whose browser was closed gets Odoo's "you are offline" page. For
 *    users the server marks ``fsm_offline`` (technicians: ir.http's
 *    session_info), the worker keeps it in its cache too and restores it when
 *    it starts again; a logout deletes the whole cache.
 * 3. For those users, a page opened on a network too slow to answer within
 *    NAVIGATION_PATIENCE is served from the copy of the page, and the actions
 *    the web client loads (``/web/action/load``, a POST that no HTTP cache
 *    keeps) are kept by their id and language and served from the copy when
 *    the network fails or is too slow.
 */
const fsmCacheName = "fsm-offline-v1";
const fsmSessionKey = "/odoo/__fsm_session_info__";
const fsmImmutable = /^\/web\/(assets\/|webclient\/translations\b.*[?&]hash=)/;
const fsmNetworkFirst = /^\/web\/webclient\/(load_menus|translations)\b/;
const fsmStaleWhileRevalidate =
    /^\/([a-z0-9_]+\/static\/|web\/image\b|web\/manifest\.webmanifest|bus\/websocket_worker_bundle)/;
const fsmOfflineSession = /"fsm_offline":\s*true/;
/** How long (ms) a weak network gets before the copy is served instead. */
const NAVIGATION_PATIENCE = 2500;
const JSON_PATIENCE = 1500;

/** Files the visit loads only when it needs them, kept from the start. */
const fsmPrecache = ["/web/static/lib/signature_pad/signature_pad.umd.js"];

self.addEventListener("install", (event) => {
    event.waitUntil(
        caches
            .open(fsmCacheName)
            .then((cache) => cache.addAll(fsmPrecache))
            .catch(() => {})
    );
});

const fsmSessionRestored = (async () => {
    try {
        const cache = await caches.open(fsmCacheName);
        const kept = await cache.match(fsmSessionKey);
        if (kept && !sessionInfo) {
            sessionInfo = await kept.text();
        }
    } catch {
        // no copy: Odoo's offline page, as without this worker
    }
})();

function fsmWorksOffline() {
    return Boolean(sessionInfo && fsmOfflineSession.test(sessionInfo));
}

async function fsmKeepSession(response) {
    const match = extractSessionInfo(await response.text());
    const cache = await caches.open(fsmCacheName);
    if (match && fsmOfflineSession.test(match)) {
        await cache.put(fsmSessionKey, new Response(match));
    } else {
        await cache.delete(fsmSessionKey);
    }
}

/**
 * The network's answer, or — when it fails, or takes longer than
 * ``patience`` ms and a copy exists — the copy; the network's answer still
 * refreshes the copy when it comes.
 * @param {Promise<Response>} network
 * @param {() => Promise<Response|undefined>} copy
 * @param {(response: Response) => Promise} keep
 */
async function fsmRace(network, copy, keep, patience) {
    const kept = network.then(async (response) => {
        if (response.ok) {
            await keep(response.clone());
        }
        return response;
    });
    let timer;
    const late = new Promise((resolve) => {
        timer = setTimeout(resolve, patience);
    });
    try {
        const first = await Promise.race([kept, late]);
        if (first) {
            return first;
        }
        const fallback = await copy();
        if (fallback) {
            kept.catch(() => {});
            return fallback;
        }
        return await kept;
    } catch (error) {
        const fallback = await copy();
        if (fallback) {
            return fallback;
        }
        throw error;
    } finally {
        clearTimeout(timer);
    }
}

async function fsmCache() {
    return caches.open(fsmCacheName);
}

async function fsmFetchAndKeep(request) {
    const response = await fetch(request);
    if (response.ok && response.type === "basic") {
        await (await fsmCache()).put(request, response.clone());
    }
    return response;
}

async function fsmServe(request, strategy) {
    const cache = await fsmCache();
    const copy = () => cache.match(request, { ignoreVary: true });
    if (strategy === "immutable") {
        return (await copy()) || fsmFetchAndKeep(request);
    }
    if (strategy === "network") {
        return fsmRace(
            fetch(request),
            copy,
            (response) => cache.put(request, response),
            JSON_PATIENCE
        );
    }
    const kept = await copy();
    const fresh = fsmFetchAndKeep(request);
    if (kept) {
        fresh.catch(() => {});
        return kept;
    }
    return fresh;
}

async function fsmLoadAction(request) {
    await fsmSessionRestored;
    if (!fsmWorksOffline()) {
        return fetch(request);
    }
    const { params } = await request.clone().json();
    const key = `/odoo/__fsm_action__/${encodeURIComponent(params?.action_id)}?lang=${
        params?.context?.lang || ""
    }`;
    const cache = await fsmCache();
    return fsmRace(
        fetch(request),
        () => cache.match(key),
        (response) => cache.put(key, response),
        JSON_PATIENCE
    );
}

async function fsmNavigate(event, url) {
    await fsmSessionRestored;
    const request = event.request;
    const network = navigateOrDisplayOfflinePage(request);
    const keepSession = (response) => {
        if (response.ok && !response.redirected && url.pathname !== offLineURL) {
            event.waitUntil(fsmKeepSession(response.clone()).catch(() => {}));
        }
        return response;
    };
    if (!fsmWorksOffline()) {
        return keepSession(await network);
    }
    return fsmRace(network, () => readDataOnCache(request.url), keepSession, NAVIGATION_PATIENCE);
}

function fsmIsNavigation(request) {
    return (
        (request.mode === "navigate" && request.destination === "document") ||
        (request.headers.get("accept") || "").includes("text/html")
    );
}

self.addEventListener("fetch", (event) => {
    const request = event.request;
    const url = new URL(request.url);
    if (url.origin !== self.location.origin || url.searchParams.has("debug")) {
        return;
    }
    if (request.method === "POST" && url.pathname === "/web/action/load") {
        event.stopImmediatePropagation();
        event.respondWith(fsmLoadAction(request));
        return;
    }
    if (request.method !== "GET") {
        return;
    }
    if (fsmIsNavigation(request)) {
        if (url.pathname.startsWith("/odoo")) {
            event.stopImmediatePropagation();
            event.respondWith(fsmNavigate(event, url));
        }
        return;
    }
    let strategy = null;
    if (fsmImmutable.test(url.pathname + url.search)) {
        strategy = "immutable";
    } else if (fsmNetworkFirst.test(url.pathname)) {
        strategy = "network";
    } else if (fsmStaleWhileRevalidate.test(url.pathname)) {
        strategy = "stale";
    }
    if (strategy) {
        event.stopImmediatePropagation();
        event.respondWith(fsmServe(request, strategy));
    }
});

self.addEventListener("message", (event) => {
    if (event.data === "user_logout") {
        event.waitUntil(caches.delete(fsmCacheName));
    }
});
