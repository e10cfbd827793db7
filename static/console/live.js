// Keeps an app page's status current: the server says "changed" over a websocket
// and the page fetches its status fragment again. Without a websocket it polls.
(function () {
  const box = document.getElementById("live-status");
  if (!box) return;
  const fragmentUrl = box.dataset.fragmentUrl;
  const POLL_MS = 3000;
  let pollTimer = null;
  let fetching = false;

  async function refresh() {
    if (fetching) return;
    fetching = true;
    try {
      const response = await fetch(fragmentUrl, { headers: { "X-Requested-With": "fetch" } });
      if (response.status === 404) { window.location.reload(); return; }
      if (response.ok) box.innerHTML = await response.text();
    } finally {
      fetching = false;
    }
  }

  function poll() {
    if (!pollTimer) pollTimer = setInterval(refresh, POLL_MS);
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    let socket;
    try {
      socket = new WebSocket(`${scheme}://${window.location.host}${box.dataset.socketPath}`);
    } catch (error) {
      poll();
      return;
    }
    socket.onopen = () => {
      clearInterval(pollTimer);
      pollTimer = null;
      refresh();
    };
    socket.onmessage = refresh;
    socket.onclose = (event) => {
      // 4404: the app is gone, or no longer this user's to see; the page says which.
      if (event.code === 4404) { window.location.reload(); return; }
      poll();
      setTimeout(connect, 5000);
    };
  }

  connect();
})();
