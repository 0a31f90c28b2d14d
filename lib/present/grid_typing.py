"""The review grid's typing script: a single click, typing and Enter or Tab always record the value.

Streamlit's grid (Glide) opens its cell editor on the first key typed into a selected cell, but the
editor's text box takes focus some 50–300 ms later (more on a busy laptop), and the click itself gives
the grid the focus a moment after the mouse is released. Keys typed in those gaps were lost: they went
to the page before the grid held the focus ("3,5" read ",5"), to the grid while the editor opened
("8,5" became ",5"; "5" then Enter recorded nothing), or they landed in the box just as the script
set its text and were overwritten ("ly do 13" read "ly do 3").

The script (run in the page, capture phase, trusted keys only: its own replays pass through):

1. A printable key typed into the selected cell, or within the give-up time after a press in the grid
   while the grid does not hold the focus yet (and no other text field does), is held with every key
   after it, in order.
2. When the grid has the focus but no editor was opened (the first key went elsewhere, or reached a grid
   a rerun was redrawing), the first key is replayed into the grid, which opens the editor as a typed
   key does. A new click drops keys still held for a cell whose editor never opened.
3. Once the editor's box has held the focus for a short settle time, its text is set to everything
   typed from the first key (a Backspace held among them takes the letter before it: it used to go
   to the grid, and "8," Backspace "5" recorded "8,5"), and an Enter, Tab or Escape pressed meanwhile
   is replayed (an Escape used to go nowhere and leave the editor open on the typed value).
4. For a short tail after that, keys are still appended by the script rather than typed into the box
   (the box's framework applies the set text a moment later and would drop them); the tail ends on
   a pause, a key it does not handle, or Enter/Tab/Escape (replayed); a Backspace takes the last letter.
5. Keys typed after a replayed Enter or Tab wait until that editor has closed and the grid holds the
   focus on the next cell, then start the next hold (point 3): they were dropped, or landed in the
   old cell ("5", Tab, "ly do" recorded "5d" and "o"; "5", Enter, "6", Enter lost the 6). A click
   drops them; so does the give-up time, noted in the trail. An arrow (Home, End, Page Up/Down) typed after the
   Enter or Tab waits its turn too and moves from the cell the Enter or Tab went to (it went to the open editor,
   and the next value landed in the row below the old one); a Shift+Tab or Shift+Enter is replayed with its
   Shift (it was replayed as a Tab, and the next value went two columns on).
6. She has gone elsewhere: a click away from the open editor ends the hold, the box first set to everything
   typed so that the grid saves it in its own cell ("4,5" then a click on another cell and "7" recorded "4,57"
   there); a key typed into another text field (the correction form, the province selector) is never taken,
   and drops whatever was held or waiting (right after an Enter in the grid they were taken and lost).
"""

from __future__ import annotations

GRID_TYPING = """
(function () {
  if (window.__thiduaTyping) return;
  window.__thiduaTyping = true;
  var held = null;    // {at, first, keys, commit, el, since, open} from the first key until its box settles
  var armed = 0;      // when the mouse was last pressed in the grid (its focus comes a moment later)
  var tail = null;    // {el, until}: keys after the box was set are appended by the script, not typed
  var after = null;   // {el, at, keys}: keys typed after a replayed Enter/Tab, until that editor has closed
  var MOVES = /^(Arrow(Up|Down|Left|Right)|Home|End|PageUp|PageDown)$/;
  var SETTLE = 150, FOCUS_AFTER = 400, GIVE_UP = 3000, TAIL = 400, TICK = 16;
  var trail = window.__thiduaTypingTrail = [];  // the last steps, for a report when a value did not record
  function note(what) { trail.push(Date.now() % 100000 + ' ' + what); if (trail.length > 40) trail.shift(); }
  function box() { return document.querySelector('#portal textarea, #portal input'); }
  function inGrid(el) { return el && el.closest && el.closest('[data-testid="stDataFrame"]'); }
  function inEditor(el) { return el && el.closest && el.closest('#portal'); }  // the grid's open cell editor
  function later() { setTimeout(flush, TICK); }  // not requestAnimationFrame: it stops in a tab not drawn
  function typed(keys) {  // the text the keys make: a Backspace ('\\b' here) takes the letter before it
    var out = '';
    for (var i = 0; i < keys.length; i++) out = keys[i] === '\\b' ? out.slice(0, -1) : out + keys[i];
    return out;
  }
  function setText(el, text) {
    var proto = el.tagName === 'TEXTAREA' ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, text);
    el.dispatchEvent(new Event('input', {bubbles: true}));
    el.setSelectionRange(el.value.length, el.value.length);
  }
  function press(el, key) {  // 'Shift+Tab' and 'Shift+Enter' go back: the Shift is part of the key held
    var shift = key.indexOf('Shift+') === 0, name = shift ? key.slice(6) : key;
    el.dispatchEvent(new KeyboardEvent('keydown', {key: name, code: name, shiftKey: shift, bubbles: true,
                                                   cancelable: true}));
  }
  function foreign(el) {  // another text field (the correction form, the province selector): its keys are its own
    return !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName)) && !inGrid(el)
      && !inEditor(el);
  }
  function commit(el, key, keys) {  // after the framework has taken the text; keys typed after it wait their turn
    after = {el: el, at: Date.now(), keys: keys || []};
    setTimeout(function () { press(el, key); setTimeout(resume, TICK); }, 30);
  }
  function resume() {  // the committed editor has closed: what was typed after it goes to the grid, in order
    if (!after) return;
    var now = Date.now(), focused = document.activeElement;
    if (now - after.at > GIVE_UP) { note('dropped after a commit: ' + after.keys.join('')); after = null; return; }
    if (box() === after.el || !inGrid(focused)) { setTimeout(resume, TICK); return; }
    while (after.keys.length && (after.keys[0].length > 1 || after.keys[0] === '\\b')) {  // a Tab or Enter first
      var key = after.keys.shift();
      if (key !== '\\b') press(focused, key);
    }
    if (!after.keys.length) { after = null; return; }
    var keys = after.keys; after = null;
    held = {at: now, first: keys[0], keys: '', commit: '', el: null, since: 0, open: true, rest: []};
    for (var i = 1; i < keys.length; i++) take(held, keys[i]);
    note('after a commit, held ' + JSON.stringify(keys.join('')));
    later();
  }
  function take(h, key) {  // one more key for a hold: text, a Backspace, its commit, or after its commit
    if (h.commit) { h.rest.push(key); }
    else if (key.length === 1) { h.keys += key; }
    else if (key === '\\b') { h.keys += '\\b'; }
    else if (!MOVES.test(key)) { h.commit = key; }
  }
  function keyName(e, moves) {  // the keys a hold takes, by name (Backspace as '\\b'); null for the others
    if (e.key.length === 1) return e.key;
    if (e.key === 'Backspace') return '\\b';
    if (e.key === 'Enter' || e.key === 'Tab') return (e.shiftKey ? 'Shift+' : '') + e.key;
    if (e.key === 'Escape') return e.key;
    return moves && MOVES.test(e.key) ? e.key : null;  // an arrow after a commit moves from the cell it went to
  }
  function flush() {
    if (!held) return;
    var el = box(), now = Date.now();
    if (now - held.at > GIVE_UP) { note('gave up: ' + (el ? 'box never settled' : 'no box')); held = null; return; }
    if (held.open && !el) {  // the first key went elsewhere: once the grid has the focus, open the editor with it
      var focused = document.activeElement;
      if (!inGrid(focused)) { later(); return; }
      held.open = false;
      note('opened with ' + JSON.stringify(held.first));
      focused.dispatchEvent(new KeyboardEvent('keydown', {key: held.first, bubbles: true, cancelable: true}));
      later(); return;
    }
    if (!el) {  // no editor yet: the key reached a grid that was being redrawn (a rerun): open it again, once
      if (now - held.at > FOCUS_AFTER && !held.reopened) { held.open = held.reopened = true; }
      held.el = null; later(); return;
    }
    if (document.activeElement !== el) {
      // the editor is open but its box did not take focus (seen in Chromium now and then): give it focus,
      // or the held keys and the Enter/Tab would wait for nothing and the cell stay open
      if (now - held.at < FOCUS_AFTER) { held.el = null; later(); return; }
      note('focus given'); el.focus();
      if (document.activeElement !== el) { later(); return; }
    }
    if (held.el !== el) { held.el = el; held.since = now; }
    if (now - held.since < SETTLE) { later(); return; }
    var h = held, text = typed(held.first + held.keys); held = null;
    note('box had ' + JSON.stringify(el.value) + ', set ' + JSON.stringify(text) + ', then ' + (h.commit || 'nothing'));
    if (el.value !== text) setText(el, text);  // typing over a cell replaces it: the box holds what was typed
    if (h.commit) { commit(el, h.commit, h.rest); } else { tail = {el: el, until: now + TAIL}; }
  }
  function fromTail(e, printable) {  // a key just after the box was set: appended, or the commit replayed
    if (!tail || Date.now() > tail.until || document.activeElement !== tail.el) { tail = null; return false; }
    if (printable || e.key === 'Backspace') {
      setText(tail.el, printable ? tail.el.value + e.key : tail.el.value.slice(0, -1)); tail.until = Date.now() + TAIL;
    } else if (e.key === 'Enter' || e.key === 'Tab' || e.key === 'Escape') {
      commit(tail.el, keyName(e), []); tail = null;
    } else { tail = null; return false; }
    e.preventDefault(); e.stopImmediatePropagation();
    return true;
  }
  document.addEventListener('pointerdown', function (e) {  // a new click is a new intent: what was held goes
    if (!e.isTrusted) return;
    if (held && !inEditor(e.target)) {  // a click away from the open editor
      var open = box(), text = typed(held.first + held.keys);
      if (held.el && open === held.el) {  // the grid saves its box on a click elsewhere: it holds all that was typed
        if (open.value !== text) setText(open, text);
        note('a click: the box keeps ' + JSON.stringify(text));
      } else { note('dropped by a click: ' + JSON.stringify(text)); }
      held = null;
    }
    if (after && after.keys.length) { note('dropped by a click: ' + JSON.stringify(after.keys.join(''))); }
    after = null;
    armed = inGrid(e.target) ? Date.now() : 0;
  }, true);
  document.addEventListener('keydown', function (e) {
    if (!e.isTrusted || e.ctrlKey || e.metaKey || e.altKey) return;
    var printable = e.key.length === 1, name = keyName(e, (held && held.commit) || after);
    if ((held && Date.now() - held.at < GIVE_UP) || after) {  // every key until the box settles, in order
      if (foreign(e.target)) {  // she has gone on to another field: what was held is not hers to type there
        note('typed elsewhere: dropped ' + JSON.stringify(held ? held.first + held.keys : after.keys.join('')));
        held = null; after = null; return;
      }
      if (name === null) return;
      if (held) { take(held, name); } else { after.keys.push(name); }
      e.preventDefault(); e.stopImmediatePropagation();
      return;
    }
    if (fromTail(e, printable) || !printable || box()) return;
    var typing = e.target && (e.target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName));
    var early = !inGrid(e.target) && !typing && armed && Date.now() - armed < GIVE_UP;
    if (!inGrid(e.target) && !early) return;
    held = {at: Date.now(), first: e.key, keys: '', commit: '', el: null, since: 0, open: early, rest: []};
    armed = 0;
    note('held from ' + JSON.stringify(e.key) + (early ? ' before the grid had the focus' : ''));
    if (early) { e.preventDefault(); e.stopImmediatePropagation(); }
    later();
  }, true);
  // text that comes without a key press (an input method's Vietnamese letters) waits its turn too
  document.addEventListener('beforeinput', function (e) {
    if (e.inputType !== 'insertText' || !e.data || foreign(e.target)) return;
    if (held && !held.commit && Date.now() - held.at < GIVE_UP) {
      held.keys += e.data;
    } else if (held && held.commit) {
      held.rest.push.apply(held.rest, e.data.split(''));
    } else if (after) {
      after.keys.push.apply(after.keys, e.data.split(''));
    } else if (tail && Date.now() <= tail.until && document.activeElement === tail.el) {
      setText(tail.el, tail.el.value + e.data); tail.until = Date.now() + TAIL;
    } else { return; }
    e.preventDefault(); e.stopImmediatePropagation();
  }, true);
})();
"""
