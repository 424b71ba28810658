// The gateway's REST API with the signed-in bearer token. The base URL is the page's own origin, or
// window.HXO_CONFIG.apiUrl when the console is published apart from the gateway (Netlify, config.js).
const TOKEN_KEY = 'hxo.console.token';

export const apiBase = ((globalThis.HXO_CONFIG && globalThis.HXO_CONFIG.apiUrl) || '').replace(/\/+$/, '');

export function url(path) {
  return apiBase + path;
}

export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set token(value) {
    if (value) {
      sessionStorage.setItem(TOKEN_KEY, value);
    } else {
      sessionStorage.removeItem(TOKEN_KEY);
    }
  },
};

/** An answer that was not 2xx, with the problem document's detail when there is one. */
export class ApiError extends Error {
  constructor(status, problem, fallback) {
    super((problem && (problem.detail || problem.title)) || fallback || ('HTTP ' + status));
    this.status = status;
    this.problem = problem;
  }
}

export async function request(method, path, body, token = session.token) {
  const headers = { Accept: 'application/json' };
  if (token) {
    headers.Authorization = 'Bearer ' + token;
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  let res;
  try {
    res = await fetch(url(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, null, 'cannot reach the gateway' + (apiBase ? ' at ' + apiBase : '') + ' (' + e.message + ')');
  }
  const text = await res.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch (e) {
      json = null;
    }
  }
  if (!res.ok) {
    throw new ApiError(res.status, json, res.status + ' ' + res.statusText);
  }
  return json;
}

export const get = (path, token) => request('GET', path, undefined, token);
export const post = (path, body) => request('POST', path, body === undefined ? {} : body);
