"""The light live page (``/live``): one small HTML document for phones and the press.

Plain HTML, CSS and a little vanilla JavaScript, no external resource. The current standings
document is embedded at render time, so the page is never blank; then it follows
``/api/events`` with ``EventSource`` (which reconnects by itself; the page starts a new one
with ``?last_event_id=`` when the browser gives up). Marks are words and symbols, never
colour alone. Vietnamese first, with an English switch; laid out for a 390 px screen first.
Two provinces that show the same total on different places show why (each row's
``order_reasons``, worded in both languages by the server), never "=" or "level".
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from types import MappingProxyType

from lib.present.catalogue import CATALOGUE, LANGUAGES

_KEYS = ("live.title", "live.total", "live.gap", "live.moved", "live.provisional", "live.needs_vote",
         "live.frozen", "live.broken", "live.unverified", "live.as_of", "live.stale", "live.no_data", "live.switch",
         "live.new",
         "live.needs", "live.leads", "live.level", "col.rank", "col.province", "col.award", "illustrative",
         "held.covered")

_CSS = """
*{box-sizing:border-box}body{margin:0;font:16px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
background:#f6f7f9;color:#16181d}header{padding:12px 14px 6px;background:#0b3d91;color:#fff}
h1{font-size:1.1rem;margin:0}.sub{font-size:.85rem;opacity:.9;display:flex;justify-content:space-between;
gap:8px;align-items:center;margin-top:4px}button{font:inherit;font-size:.85rem;border:1px solid #fff;
background:transparent;color:#fff;border-radius:6px;padding:3px 10px}#stale{display:none;background:#ffe08a;
color:#3d2c00;padding:8px 14px;font-weight:600;border-bottom:2px solid #b58500}body.stale #stale{display:block}
#frozen{display:none;padding:6px 14px;background:#d9f2dd;font-weight:600}body.frozen #frozen{display:block}
ol{list-style:none;margin:0;padding:6px 8px 20px}li{display:grid;grid-template-columns:3rem 1fr auto;gap:4px 8px;
align-items:center;background:#fff;margin:6px 0;padding:8px 10px;border-radius:8px;border-left:6px solid #c9ced6}
li.b1{border-left-color:#f2c200}li.b2{border-left-color:#7fd3f7}li.b3{border-left-color:#b8e0a0}
.rk{font-size:1.4rem;font-weight:700;text-align:center}.nm{font-weight:600}.tt{font-size:1.2rem;font-weight:700;
text-align:right;font-variant-numeric:tabular-nums}.meta{grid-column:2/4;font-size:.82rem;color:#47505e;
display:flex;flex-wrap:wrap;gap:4px 10px}.mk{padding:0 6px;border-radius:4px;border:1px solid currentColor}
.pv{color:#8a5a00}.nv{color:#a0112a}.up{color:#0a6b2d;font-weight:700}.dn{color:#a0112a;font-weight:700}
.gap{font-variant-numeric:tabular-nums}li.cov{background:#e9ecf1;border-left-style:dashed}.or{flex-basis:100%;color:#5a2d82}
#agenda{margin:0;padding:8px 14px;background:#e8eefb;font-weight:700}
#agenda:empty{display:none}footer{font-size:.78rem;color:#47505e;padding:0 14px 16px}
@media(min-width:700px){body{max-width:760px;margin:0 auto}}
"""

_JS = """
(function(){
var L=JSON.parse(document.getElementById('labels').textContent);
var doc=JSON.parse(document.getElementById('data').textContent);
var shownId=document.body.dataset.eventId||'';  // the content id of doc (the stream's id, the same on every process)
var agenda=JSON.parse(document.getElementById('agenda-data').textContent);
var interval=+document.body.dataset.interval||15;
var lang=new URLSearchParams(location.search).get('lang')||localStorage.getItem('lang')||
 document.documentElement.lang;
if(!L[lang])lang='vi';
var moved={},down=false,es=null,retry=1000;
function t(k){return L[lang][k]||k}
function aw(name){return (L[lang].awards||{})[name]||name}  // an award's name in the page's language
// numbers as lib.present.formatting.number writes them: vi 1.234,50, en 1,234.50, "−" for minus
function num(s){var v=String(s),neg=v.charAt(0)==='-'||v.charAt(0)==='\u2212';if(neg)v=v.slice(1);
 var p=v.split('.'),th=lang==='vi'?'.':',',dp=lang==='vi'?',':'.';
 var w=p[0].replace(/\\B(?=(\\d{3})+(?!\\d))/g,th);return (neg?'\u2212':'')+w+(p.length>1?dp+p[1]:'')}
var ESC={'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'};
function esc(s){return String(s==null?'':s).replace(/[&<>"]/g,function(c){return ESC[c]})}
var VN={timeZone:'Asia/Ho_Chi_Minh'};  // times are read in Vietnam, wherever the phone is set
function when(iso){try{return new Date(iso).toLocaleTimeString(lang==='vi'?'vi-VN':'en-GB',VN)}catch(e){return iso}}
// The same rule as lib.core.margins, in whole hundredths: a holder's lead over the first place
// below its band, anyone else's distance to the place just better than its band.
var BANDS=JSON.parse(document.body.dataset.awards||'[]');
function cents(s){return Math.round(parseFloat(s)*100)}
// A place is named by its province's rank (two tied 4th are both level with place 4): [rank, cents, row].
function margin(i){
 if(doc.held_back)return null;  // a margin to an award line names a covered total
 var st=doc.standings,s=st[i],band=null,last=0;
 BANDS.forEach(function(b){last=Math.max(last,b[1]);if(s.award&&b[0]<=s.rank&&s.rank<=b[1])band=b});
 var at=function(j,c){return [st[j].rank,c,j]};
 if(band&&i>=band[1])return at(band[1]-1,cents(s.agreed_total)-cents(st[band[1]-1].agreed_total));
 if(band)return band[1]<st.length?at(band[1],cents(s.agreed_total)-cents(st[band[1]].agreed_total)):null;
 var to=Math.min(last,i);
 return to>=1?at(to-1,Math.max(0,cents(st[to-1].agreed_total)-cents(s.agreed_total))):null}
function render(){
 document.documentElement.lang=lang;document.title=t('live.title');
 document.getElementById('sw').textContent=t('live.switch');
 document.getElementById('stale').textContent=t('live.stale');
 var fz=doc&&doc.freeze_unverified?t('live.unverified'):t('live.frozen');
 if(doc&&doc.freeze_broken)fz=t('live.broken')+' '+doc.freeze_broken_cells.join(', ');
 document.getElementById('frozen').textContent=fz;
 document.getElementById('h').textContent=t('live.title');
 var now=agenda&&agenda[lang];document.getElementById('agenda').textContent=now?'▶ '+now:'';
 var old=doc&&(doc.stale||((Date.now()-Date.parse(doc.fetched_at))/1000>3*interval+30&&down));
 document.body.classList.toggle('stale',!!(down||old));
 document.body.classList.toggle('frozen',!!(doc&&(doc.frozen||doc.freeze_unverified)));
 var list=document.getElementById('list'),asof=document.getElementById('asof');
 if(!doc){list.innerHTML='<li><span></span><span>'+esc(t('live.no_data'))+'</span></li>';asof.textContent='';return}
 asof.textContent=t('live.as_of')+' '+when(doc.fetched_at)+' · v'+doc.version;
 var awards=[],out=[];
 doc.standings.forEach(function(s){if(s.award&&awards.indexOf(s.award)<0)awards.push(s.award)});
 doc.standings.forEach(function(s,i){
  if(s.covered){  // held back while the ceremony covers it: the rank only, as on the projector
   out.push('<li class="row cov" data-covered="'+s.rank+'"><span class="rk" title="'+esc(t('col.rank'))+'">'+
    s.rank+'</span><span class="nm">'+esc(t('held.covered'))+'</span><span class="tt">—</span></li>');return}
  var above=i>0&&!doc.standings[i-1].covered?doc.standings[i-1]:null,gap='';
  // equal shown totals on different places: no "=" nor "level"; the order reason says what parts them
  var hid=function(o){return o&&o.rank!==s.rank&&o.agreed_total===s.agreed_total};
  if(above&&!hid(above)){var d=(parseFloat(above.agreed_total)-parseFloat(s.agreed_total));
   gap=d>0?'−'+num(d.toFixed(2)):'='}
  var m=moved[s.code],mv='';
  if(m==='new')mv='<span class="up">'+esc(t('live.new'))+'</span>';
  else if(m>0)mv='<span class="up" aria-label="+'+m+'">▲'+m+'</span>';
  else if(m<0)mv='<span class="dn" aria-label="'+m+'">▼'+(-m)+'</span>';
  var band=s.award?' b'+Math.min(3,awards.indexOf(s.award)+1):'';
  var meta=[];
  if(gap)meta.push('<span class="gap">'+esc(t('live.gap'))+': '+gap+'</span>');
  if(s.award)meta.push('<span class="aw">'+esc(aw(s.award))+'</span>');
  var g=margin(i);
  if(g&&!hid(doc.standings[g[2]])){var k=g[1]===0?'live.level':(s.award?'live.leads':'live.needs');
   meta.push('<span class="mg">'+esc(t(k).replace('{place}',g[0])
    .replace('{points}',num((g[1]/100).toFixed(2))))+'</span>')}
  if(s.provisional)meta.push('<span class="mk pv">◔ '+esc(t('live.provisional'))+'</span>');
  if(s.needs_vote)meta.push('<span class="mk nv">⚖ '+esc(t('live.needs_vote'))+'</span>');
  (s.order_reasons||[]).forEach(function(r){meta.push('<span class="or">'+esc(r.text[lang]||r.text.vi)+'</span>')});
  if(mv)meta.push(mv);
  out.push('<li class="row'+band+'" data-code="'+esc(s.code)+'"><span class="rk" title="'+
   esc(t('col.rank'))+'">'+s.rank+'</span><span class="nm">'+esc(s.name)+'</span><span class="tt" title="'+
   esc(t('live.total'))+'">'+num(s.agreed_total)+'</span><span class="meta">'+meta.join('')+'</span></li>');
 });
 list.innerHTML=out.join('');
}
function apply(next){
 if(doc&&next.version!==doc.version){
  var before={};doc.standings.forEach(function(s){if(!s.covered)before[s.code]=s.rank});
  moved={};next.standings.forEach(function(s){if(!s.covered)moved[s.code]=before[s.code]==null?'new':before[s.code]-s.rank});
  if(next.held_back||doc.held_back)moved={};  // a reveal step is not a move
 }
 doc=next;render();
}
function connect(){
 var url='/api/events'+(shownId?'?last_event_id='+encodeURIComponent(shownId):'');
 es=new EventSource(url);
 es.addEventListener('standings',function(e){down=false;retry=1000;shownId=e.lastEventId;apply(JSON.parse(e.data))});
 es.addEventListener('status',function(e){var s=JSON.parse(e.data);down=false;
  if(doc&&s.id===shownId){doc.stale=s.stale;doc.fetched_at=s.fetched_at}render()});
 es.addEventListener('agenda',function(e){agenda=JSON.parse(e.data);render()});
 es.addEventListener('bye',function(){es.close();connect()});  // the process stops: at once, to another
 es.onopen=function(){down=false;retry=1000;render()};
 es.onerror=function(){down=true;render();if(es.readyState===2){es.close();setTimeout(connect,retry);retry=Math.min(retry*2,15000)}};
}
document.getElementById('sw').onclick=function(){lang=lang==='vi'?'en':'vi';localStorage.setItem('lang',lang);render()};
setInterval(render,5000);
render();connect();
})();
"""


def _json_script(text: str) -> str:
    """JSON made safe inside ``<script type="application/json">`` (no ``</script>`` can close it).

    >>> _json_script('{"a":"</script>"}')
    '{"a":"\\\\u003c/script>"}'
    """
    return text.replace("<", "\\u003c")


def live_page(document: str | None, *, title: str, year: int, interval: int, lang: str = "vi",
              illustrative: bool = False, award_places: Sequence[tuple[int, int]] = (),
              agenda: Mapping[str, object] | None = None, event_id: str = "",
              award_names: Mapping[str, str] = MappingProxyType({})) -> str:
    """The whole page, with ``document`` (the /api/standings JSON text, or None) embedded.

    ``event_id`` is the document's content id (the SSE ``id`` of its standings); the page sends it
    as ``last_event_id`` when it opens its stream, so it is sent the standings only when they differ.

    ``award_names`` maps an award's Vietnamese name to its English one (the config's ``name_en``), so
    the English page names awards in English while the document keeps the names it has.

    ``agenda`` is the official session's current item worded in each language
    (``{"index": 4, "vi": …, "en": …}``, "" or None for none); the page then follows the
    ``event: agenda`` frames of ``/api/events``, so it moves with the secretary without a reload.
    """
    lang = lang if lang in LANGUAGES else "vi"
    labels: dict[str, dict[str, object]] = {code: {key: CATALOGUE[key][code] for key in _KEYS} for code in LANGUAGES}
    labels["en"]["awards"] = dict(award_names)
    bands = json.dumps([list(b) for b in award_places])
    now = str((agenda or {}).get(lang) or "")
    note = f'<p id="illu">{html.escape(CATALOGUE["illustrative"][lang])}</p>' if illustrative else ""
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{html.escape(CATALOGUE['live.title'][lang])}</title><style>{_CSS}</style></head>"
        f'<body data-interval="{int(interval)}" data-awards="{html.escape(bands)}" '
        f'data-event-id="{html.escape(event_id)}">'
        f'<header><h1 id="h">{html.escape(CATALOGUE["live.title"][lang])}</h1>'
        f'<div class="sub"><span>{html.escape(title)} · {int(year)}</span><button id="sw" type="button">'
        f'{html.escape(CATALOGUE["live.switch"][lang])}</button></div></header>'
        '<div id="stale" role="status" aria-live="polite"></div><div id="frozen"></div>'
        + f'<p id="agenda" role="status" aria-live="polite">{html.escape(now and "▶ " + now)}</p>'
        + f'{note}<ol id="list" aria-live="polite"></ol><footer id="asof"></footer>'
        f'<script id="data" type="application/json">{_json_script(document or "null")}</script>'
        f'<script id="agenda-data" type="application/json">{_json_script(json.dumps(agenda or {}, ensure_ascii=False))}'
        "</script>"
        f'<script id="labels" type="application/json">{_json_script(json.dumps(labels, ensure_ascii=False))}</script>'
        f"<script>{_JS}</script></body></html>"
    )
