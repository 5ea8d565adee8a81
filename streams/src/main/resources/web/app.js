// The query API's web page: plain JS, charts drawn as inline SVG. Data comes from the same endpoints any client
// uses (/players, /players/{id}/games, /players/{id}/player-daily-cache/history, /teams/{team}/team-defense-zone-analysis).
'use strict';

const COLORS = { pts: '#1f77b4', avg5: '#ff7f0e', avg10: '#2ca02c', pra: '#9467bd', praAvg: '#8c564b', line: '#d62728',
  paint: '#1f77b4', mid: '#ff7f0e', three: '#2ca02c' };
const SVG = 'http://www.w3.org/2000/svg';
const $ = (id) => document.getElementById(id);

// Token: from the page's #token=... fragment (never sent to the server) or typed in; kept for this tab only.
(function takeToken() {
  const m = location.hash.match(/token=([^&]+)/);
  if (m) {
    sessionStorage.setItem('nbaToken', decodeURIComponent(m[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
})();

// A list route's every page: follows `next` (passed back as `after`) and joins the rows.
async function apiAll(path) {
  const first = await api(path);
  let r = first;
  while (r.status === 200 && r.body.next) {
    r = await api(path + (path.includes('?') ? '&' : '?') + 'after=' + encodeURIComponent(r.body.next));
    if (r.status === 200) first.body.rows = first.body.rows.concat(r.body.rows);
  }
  return first;
}

async function api(path) {
  const headers = {};
  const t = sessionStorage.getItem('nbaToken');
  if (t) headers.Authorization = 'Bearer ' + t;
  for (let attempt = 0; attempt < 10; attempt++) {
    const r = await fetch(path, { headers });
    if (r.status === 503) { // rebalancing or restoring: retry as told
      setStatus('stores busy, retrying…');
      await new Promise((res) => setTimeout(res, 1000 * (Number(r.headers.get('Retry-After')) || 1)));
      continue;
    }
    if (r.status === 401) {
      $('token-box').hidden = false;
      setStatus('this API needs a bearer token');
      throw new Error('unauthorized');
    }
    const body = await r.json();
    return { status: r.status, body };
  }
  throw new Error('stores stayed unavailable');
}

function setStatus(s) { $('status').textContent = s; }

function el(name, attrs, parent) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

/**
 * A line chart: series = [{name, color, values (number|null per x), dots, dash, cls}], labels = x labels.
 * Every dot carries data-x / data-value, so the page's DOM states exactly what is drawn.
 */
function lineChart(svg, labels, series, yLabel) {
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  const W = 900, H = 300, L = 46, R = 150, T = 12, B = 40;
  const vals = series.flatMap((s) => s.values).filter((v) => v !== null && v !== undefined && !Number.isNaN(v));
  if (!vals.length || !labels.length) return;
  let lo = Math.min(0, ...vals), hi = Math.max(...vals);
  if (hi === lo) hi = lo + 1;
  hi = hi + (hi - lo) * 0.05;
  const x = (i) => L + (labels.length === 1 ? (W - L - R) / 2 : i * (W - L - R) / (labels.length - 1));
  const y = (v) => T + (H - T - B) * (1 - (v - lo) / (hi - lo));
  for (let k = 0; k <= 4; k++) {
    const v = lo + (hi - lo) * k / 4;
    el('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid' }, svg);
    el('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, svg).textContent = (Math.abs(hi) < 2 ? v.toFixed(2) : v.toFixed(0));
  }
  el('line', { x1: L, x2: W - R, y1: H - B, y2: H - B, class: 'axis' }, svg);
  el('line', { x1: L, x2: L, y1: T, y2: H - B, class: 'axis' }, svg);
  const step = Math.max(1, Math.ceil(labels.length / 8));
  labels.forEach((lab, i) => {
    if (i % step === 0 || i === labels.length - 1) {
      el('text', { x: x(i), y: H - B + 16, 'text-anchor': 'middle' }, svg).textContent = lab;
    }
  });
  el('text', { x: L + 6, y: T + 10 }, svg).textContent = yLabel;
  series.forEach((s, si) => {
    let d = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null || v === undefined || Number.isNaN(v)) { pen = false; return; }
      d += (pen ? ' L' : ' M') + x(i).toFixed(1) + ' ' + y(v).toFixed(1);
      pen = true;
    });
    if (d) {
      el('path', { d: d.trim(), fill: 'none', stroke: s.color, 'stroke-width': s.width || 2,
        'stroke-dasharray': s.dash || '', class: 'series ' + s.cls, 'data-series': s.name }, svg);
    }
    if (s.dots) {
      s.values.forEach((v, i) => {
        if (v === null || v === undefined) return;
        const c = el('circle', { cx: x(i), cy: y(v), r: 4, fill: s.color, class: 'pt ' + s.cls,
          'data-x': labels[i], 'data-value': v }, svg);
        el('title', {}, c).textContent = labels[i] + ': ' + s.name + ' ' + v;
        if (s.onClick) { c.style.cursor = 'pointer'; c.addEventListener('click', () => s.onClick(i)); }
      });
    }
    const ly = T + 14 + si * 18;
    el('line', { x1: W - R + 12, x2: W - R + 34, y1: ly, y2: ly, stroke: s.color, 'stroke-width': 3,
      'stroke-dasharray': s.dash || '' }, svg);
    el('text', { x: W - R + 40, y: ly + 4 }, svg).textContent = s.name;
  });
}

let player = null;

async function searchPlayers(text) {
  const ul = $('player-results');
  ul.innerHTML = '';
  if (text.trim().length < 2) return;
  const r = await api('/players?q=' + encodeURIComponent(text.trim()));
  if (r.status !== 200) { ul.textContent = r.body.error; return; }
  for (const p of r.body.players) {
    const li = document.createElement('li');
    li.textContent = `${p.player_name} (${p.team_abbr}, ${p.games} games)`;
    li.dataset.playerId = p.player_id;
    li.onclick = () => loadPlayer(p.player_id);
    ul.appendChild(li);
  }
}

async function loadPlayer(id) {
  setStatus('loading player ' + id + '…');
  const [info, games, cache] = await Promise.all([api('/players/' + id), apiAll('/players/' + id + '/games'),
    apiAll('/players/' + id + '/player-daily-cache/history')]);
  if (info.status !== 200) { setStatus(info.body.error); return; }
  player = { info: info.body, games: games.body.rows || [], cache: {} };
  for (const c of (cache.status === 200 ? cache.body.rows : [])) player.cache[c.cache_date] = c;
  $('player-panel').hidden = false;
  $('player-name').textContent = `${info.body.player_name} (${info.body.team_abbr})`;
  $('player-name').dataset.playerId = id;
  const sel = $('season-select');
  sel.innerHTML = '';
  for (const s of info.body.seasons) sel.appendChild(new Option(s, s));
  sel.value = info.body.seasons[info.body.seasons.length - 1];
  sel.onchange = drawPlayer;
  await drawPlayer();
  setStatus('');
}

async function drawPlayer() {
  const season = $('season-select').value;
  const games = player.games.filter((g) => g.season === season);
  const labels = games.map((g) => g.game_date.slice(5));
  const c = (g, f) => (player.cache[g.game_date] ? player.cache[g.game_date][f] : null);
  $('player-meta').textContent = `${games.length} games in ${season}; ` +
    `${games.filter((g) => g.pra_line !== null).length} with a PRA prop line`;
  lineChart($('pts-chart'), labels, [
    { name: 'points', cls: 'pts', color: COLORS.pts, values: games.map((g) => g.pts), dots: true,
      onClick: (i) => drawOpponent(games[i]) },
    { name: 'avg last 5', cls: 'avg5', color: COLORS.avg5, values: games.map((g) => c(g, 'pts_avg_last_5')) },
    { name: 'avg last 10', cls: 'avg10', color: COLORS.avg10, values: games.map((g) => c(g, 'pts_avg_last_10')) },
  ], 'pts');
  lineChart($('pra-chart'), labels, [
    { name: 'PRA', cls: 'pra', color: COLORS.pra, values: games.map((g) => g.pra), dots: true,
      onClick: (i) => drawOpponent(games[i]) },
    { name: 'PRA avg last 10', cls: 'pra-avg', color: COLORS.praAvg, values: games.map((g) => c(g, 'pra_avg_last_10')) },
    { name: 'prop line', cls: 'prop-line', color: COLORS.line, dash: '6 4', values: games.map((g) => g.pra_line), dots: true },
  ], 'PRA');
  const last = games[games.length - 1];
  if (last) await drawOpponent(last);
}

async function drawOpponent(game) {
  $('opp-title').textContent = `Opponent zone defense: ${game.opp_abbr} as of ${game.game_date}`;
  const box = $('opp-zone');
  const r = await api(`/teams/${game.opp_abbr}/team-defense-zone-analysis?date=${game.game_date}&asOf=true`);
  if (r.status !== 200) { box.innerHTML = ''; box.className = 'note'; box.textContent = r.body.error; return; }
  const z = r.body;
  const pct = (v) => (v === null || v === undefined ? '–' : (100 * v).toFixed(1) + '%');
  box.className = '';
  box.innerHTML = `<table class="zone" id="opp-zone-table"><tr><th>zone</th><th>${game.opp_abbr} allows (last 15)</th><th>league</th><th>vs league</th></tr>` +
    ['paint', 'mid_range', 'three'].map((k) => `<tr><td>${k}</td><td>${pct(z['opp_' + k + '_fg_pct_last_15'])}</td>` +
      `<td>${pct(z['league_' + k + '_fg_pct'])}</td><td>${pct(z[k + '_vs_league'])}</td></tr>`).join('') + '</table>';
}

async function loadTeams() {
  const r = await api('/teams');
  const sel = $('team-select');
  for (const t of r.body.teams) sel.appendChild(new Option(`${t.team_abbr} ${t.name}`, t.team_abbr));
  sel.onchange = () => drawTeam(sel.value);
}

async function drawTeam(team) {
  const note = $('team-note');
  note.textContent = '';
  const r = await apiAll(`/teams/${team}/team-defense-zone-analysis/history`);
  const svg = $('team-chart');
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  svg.style.display = 'none';
  if (r.status !== 200) { note.textContent = r.body.error; return; }
  const rows = r.body.rows;
  if (!rows.length) { note.textContent = 'no zone defense rows for ' + team; return; }
  svg.style.display = '';
  lineChart(svg, rows.map((z) => z.analysis_date), [
    { name: 'paint allowed', cls: 'paint', color: COLORS.paint, values: rows.map((z) => z.opp_paint_fg_pct_last_15), dots: true },
    { name: 'mid-range allowed', cls: 'mid', color: COLORS.mid, values: rows.map((z) => z.opp_mid_range_fg_pct_last_15), dots: true },
    { name: 'three allowed', cls: 'three', color: COLORS.three, values: rows.map((z) => z.opp_three_fg_pct_last_15), dots: true },
    { name: 'league paint', cls: 'league-paint', color: COLORS.paint, dash: '4 3', width: 1, values: rows.map((z) => z.league_paint_fg_pct) },
  ], 'FG%');
}

async function main() {
  let timer = null;
  $('player-search').addEventListener('input', (e) => {
    clearTimeout(timer);
    timer = setTimeout(() => searchPlayers(e.target.value), 200);
  });
  $('token-save').onclick = () => { sessionStorage.setItem('nbaToken', $('token').value); location.reload(); };
  const params = new URLSearchParams(location.search);
  await loadTeams();
  const team = params.get('team') || 'DEN';
  $('team-select').value = team;
  const work = [drawTeam(team)];
  if (params.get('q')) { $('player-search').value = params.get('q'); work.push(searchPlayers(params.get('q'))); }
  if (params.get('player')) work.push(loadPlayer(params.get('player')));
  await Promise.all(work);
  document.body.dataset.ready = 'true';
}

main().catch((e) => { setStatus('error: ' + e.message); document.body.dataset.ready = 'error'; });
