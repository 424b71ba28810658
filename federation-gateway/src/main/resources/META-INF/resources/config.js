// Where the console finds the gateway's API. Served by the gateway itself: the same origin (empty).
// A Netlify build (deploy/netlify.toml) overwrites this file with the value of VITE_API_URL.
window.HXO_CONFIG = { apiUrl: "" };
