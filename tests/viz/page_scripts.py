"""Scripts run in the UI's page by the browser tests and the browser benchmark."""

# Record (time, month) at every change of the status line for `seconds`.
WATCH_MONTHS = """seconds => new Promise(resolve => {
    const seen = [];
    const month = () => parseInt(document.querySelector('.pg-status').innerText.slice(6));
    const watch = new MutationObserver(() => {
        const m = month();
        if (!seen.length || seen[seen.length - 1][1] !== m) seen.push([performance.now(), m]);
    });
    watch.observe(document.body, {subtree: true, childList: true, characterData: true});
    setTimeout(() => { watch.disconnect(); resolve(seen); }, seconds * 1000);
})"""
