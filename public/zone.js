// Tells the server the browser's time zone (the `vip_tz` cookie), so that pages show times in it
// from the next page on; the first page is shown in UTC. Read by the server only.
(() => {
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) return;
    const value = encodeURIComponent(zone);
    const set = document.cookie.split("; ").some((c) => c === "vip_tz=" + value);
    if (!set) document.cookie = "vip_tz=" + value + "; Path=/; Max-Age=31536000; SameSite=Lax";
  } catch (_) {
    // No Intl: times stay in UTC.
  }
})();
