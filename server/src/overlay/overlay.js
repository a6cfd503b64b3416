// The OBS overlay's live part: keeps the VIP list and its countdowns current and plays the
// "new VIP" alert, from the overlay's event stream (`{page}/events`). The stream's first event
// is always the whole list, so a reconnect or an OBS reload shows the same as the page.
(() => {
  "use strict";
  const root = document.getElementById("overlay");
  if (!root) return;
  const list = document.getElementById("overlay-vips");
  const alertBox = document.getElementById("overlay-alert");
  const words = root.dataset;
  const ALERT_MS = 6000;
  const RETRY_MS = 5000;
  // The server's clock minus the browser's, so countdowns agree with the server.
  let offset = Date.parse(words.now) - Date.now();
  let vips = [];

  const pad = (n) => String(n).padStart(2, "0");
  // As the dashboard writes it: `2 d 03:04:05`, `1:02:03`, `4:05`, `0:00`.
  const remaining = (secs) => {
    const d = Math.floor(secs / 86400);
    const h = Math.floor((secs % 86400) / 3600);
    const m = Math.floor((secs % 3600) / 60);
    const s = secs % 60;
    if (d > 0) return `${d} d ${pad(h)}:${pad(m)}:${pad(s)}`;
    if (h > 0) return `${h}:${pad(m)}:${pad(s)}`;
    return `${m}:${pad(s)}`;
  };
  const leftText = (vip, now) => {
    if (vip.end !== null) return remaining(Math.max(0, Math.floor((vip.end - now) / 1000)));
    return vip.streamEnd ? words.untilStreamEnd : words.noEnd;
  };

  const read = (d) => ({
    name: d.display_name,
    end: d.expires_at ? Date.parse(d.expires_at) : null,
    streamEnd: Boolean(d.until_stream_end),
  });

  if (list) {
    for (const li of list.querySelectorAll("li")) {
      vips.push({
        name: li.querySelector(".name").textContent,
        end: li.dataset.expires ? Date.parse(li.dataset.expires) : null,
        streamEnd: li.dataset.streamEnd === "1",
      });
    }
  }

  const render = () => {
    if (!list) return;
    const now = Date.now() + offset;
    const items = vips
      .filter((v) => v.end === null || v.end > now)
      .map((v) => {
        const li = document.createElement("li");
        const name = document.createElement("span");
        name.className = "name";
        name.textContent = v.name;
        const left = document.createElement("span");
        left.className = "left";
        left.textContent = leftText(v, now);
        li.append(name, left);
        return li;
      });
    list.replaceChildren(...items);
  };

  const queue = [];
  let playing = false;
  const playNext = () => {
    const name = queue.shift();
    if (name === undefined) {
      playing = false;
      return;
    }
    playing = true;
    alertBox.querySelector(".alert-name").textContent = name;
    alertBox.hidden = false;
    alertBox.classList.remove("play");
    void alertBox.offsetWidth; // restart the animation
    alertBox.classList.add("play");
    setTimeout(() => {
      alertBox.hidden = true;
      alertBox.classList.remove("play");
      playNext();
    }, ALERT_MS);
  };

  const connect = () => {
    const source = new EventSource(location.pathname.replace(/\/$/, "") + "/events");
    source.onopen = () => {
      root.dataset.connected = "1";
    };
    source.addEventListener("vips", (e) => {
      const data = JSON.parse(e.data);
      offset = Date.parse(data.now) - Date.now();
      vips = data.vips.map(read);
      render();
    });
    source.addEventListener("alert", (e) => {
      if (!alertBox) return;
      queue.push(JSON.parse(e.data).display_name);
      if (!playing) playNext();
    });
    source.onerror = () => {
      root.dataset.connected = "0";
      // The browser retries a dropped stream by itself; an answer that is not a stream (the
      // server restarting) closes it, so try again a little later.
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, RETRY_MS);
    };
  };

  setInterval(render, 1000);
  connect();
})();
