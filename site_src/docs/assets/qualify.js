/* Qualify a lead, in the page: the evaluation contract of icpkit.engine.evaluate over the
   rules compiled by icpkit.site.qualify (window.ICP_RULES). OPS has one entry per row of the
   operator table (icpkit.engine.operators.OPERATORS; a test checks the keys match) and the
   browser tests check every verdict against the Python engine. Unknown is null: a test on
   a missing value is unknown, never met or unmet. No network, no dependency. */
(function () {
  "use strict";
  var RANK = { A: 4, B: 3, C: 2, D: 1 };

  function band(v) { return Array.isArray(v) ? [v[0], v[1] === null ? Infinity : v[1]] : [v, v]; }
  function cmp(all, none) { return all ? true : none ? false : null; }
  function eq(v, x) {
    v = norm(v);
    if (Array.isArray(v)) { var b = band(v); return cmp(b[0] === x && x === b[1], x < b[0] || x > b[1]); }
    return v === x;
  }
  function daysBefore(iso, days) {
    var d = new Date(iso + "T00:00:00Z"); d.setUTCDate(d.getUTCDate() - days);
    return d.toISOString().slice(0, 10);
  }
  function has(set, x) { return set.indexOf(x) >= 0; }
  function isNumber(fld) { return fld.type === "number" || fld.type === "integer"; }

  /* ---- the one normalisation of text (icpkit.engine.normal) ---------------------------- */
  var NON_WORD = /[^\p{L}\p{N}]+/gu, WORD = /[\p{L}\p{N}]/u;
  /* code points the engine's Unicode database has not assigned (rules.unicode.unassigned,
     from Python's unicodedata): a newer browser may know them as letters; the engine reads
     them as no letter, no case and no decomposition, and so does the page */
  var UNASSIGNED = null;
  /* the case folding after lowering (rules.unicode.fold: engine.unicode15.FOLD): a lowercase
     character without marks -> what it folds to ("\u00df" is "ss", the ligature "\ufb01" "fi") */
  var FOLD = {}, FOLD_RE = null;
  function useUnicode(u) {
    if (!u || UNASSIGNED) return;
    var hex = function (n) { return "\\u{" + n.toString(16) + "}"; };
    UNASSIGNED = new RegExp("([" + u.unassigned.map(function (r) { return hex(r[0]) + "-" + hex(r[1]); }).join("") + "]+)", "u");
    FOLD = u.fold || {};
    var keys = Object.keys(FOLD);
    if (keys.length) FOLD_RE = new RegExp("[" + keys.map(function (c) { return hex(c.codePointAt(0)); }).join("") + "]", "gu");
  }
  function fold(c) { return FOLD[c]; }
  function lowerAssigned(t) {
    t = t.normalize("NFD").replace(/\p{M}/gu, "").normalize("NFC").toLowerCase().replace(/\u03c2/g, "\u03c3");
    return FOLD_RE ? t.replace(FOLD_RE, fold) : t;
  }
  /* marks dropped, lowercased and case-folded, nothing else */
  function lowered(t) {
    if (!UNASSIGNED) return lowerAssigned(t);
    return t.split(UNASSIGNED).map(function (part, i) { return i % 2 ? part : lowerAssigned(part); }).join("");
  }
  function slug(t) {
    if (UNASSIGNED) t = t.split(UNASSIGNED).map(function (part, i) { return i % 2 ? " " : part; }).join("");
    return t.replace(NON_WORD, "_").replace(/^_+|_+$/g, "");
  }
  function replaceAll(t, a, b) { return t.split(a).join(b); }
  /* folds as prepared by the compiler: [[source, target]]; a symbol source (no letter or
     digit) is replaced wherever it occurs, a word source as a whole word */
  function normal(text, folds) {
    var t = lowered(text), words = [];
    folds.forEach(function (f) {
      if (WORD.test(f[0])) words.push(f); else t = replaceAll(t, f[0], " " + f[1] + " ");
    });
    t = slug(t);
    if (words.length && t) {
      var padded = "_" + t + "_";
      words.forEach(function (f) {
        for (var i = 0; i < 2; i++) padded = replaceAll(padded, "_" + f[0] + "_", "_" + f[1] + "_");
      });
      t = padded.slice(1, -1);
    }
    return t;
  }
  /* a text value as the operators read it (engine.normal.Text) */
  function Text(raw, folds) {
    this.raw = raw; this.normal = normal(raw, folds); this.words = "_" + this.normal + "_"; this.low = lowered(raw);
  }
  /* a company's text as every reader takes it (engine.normal.read_text): blanks around it
     are no part of it, and a text of nothing else, or a null token ('N/A'), is unknown */
  function readText(raw, folds, reading) {
    var blanks = reading.blanks, from = 0, to = raw.length;
    while (from < to && blanks.indexOf(raw[from]) >= 0) from++;
    while (to > from && blanks.indexOf(raw[to - 1]) >= 0) to--;
    var t = raw.slice(from, to);
    if (!t || reading.null_tokens.indexOf(t.toLowerCase()) >= 0) return null;
    return new Text(t, folds);
  }
  function norm(v) { return v instanceof Text ? v.normal : v; }
  function chars(s) { return Array.from(s).length; }
  /* a word of `words` (padded normal form) starts with `stem` and is longer */
  function hasStem(words, stem) {
    var needle = "_" + stem, at = words.indexOf(needle);
    while (at >= 0) {
      var after = at + needle.length;
      if (after < words.length && words[after] !== "_") return true;
      at = words.indexOf(needle, at + 1);
    }
    return false;
  }

  /* one function per operator key: (value, operand, ctx) -> true | false | null */
  var OPS = {
    equals: eq,
    not_equals: function (v, x) { var r = eq(v, x); return r === null ? null : !r; },
    at_least: function (v, x) { var b = band(v); return cmp(b[0] >= x, b[1] < x); },
    more_than: function (v, x) { var b = band(v); return cmp(b[0] > x, b[1] <= x); },
    at_most: function (v, x) { var b = band(v); return cmp(b[1] <= x, b[0] > x); },
    less_than: function (v, x) { var b = band(v); return cmp(b[1] < x, b[0] >= x); },
    between: function (v, x) { var b = band(v); return cmp(b[0] >= x[0] && b[1] <= x[1], b[1] < x[0] || b[0] > x[1]); },
    one_of: function (v, x) { return has(x, norm(v)); },
    none_of: function (v, x) { return !has(x, norm(v)); },
    in_region: function (v, x) { return has(x, v); },
    has_any: function (v, x) { return x.some(function (e) { return has(v, e); }); },
    has_all: function (v, x) { return x.every(function (e) { return has(v, e); }); },
    has_none: function (v, x) { return !x.some(function (e) { return has(v, e); }); },
    is: function (v, x) { return v === x; },
    present: function (v) { return v !== null; },
    missing: function (v) { return v === null; },
    /* a date after the as-of date says nothing of the days before it: unknown */
    within_days: function (v, x, ctx) { return v > ctx.asOf ? null : v >= daysBefore(ctx.asOf, x); },
    older_than_days: function (v, x, ctx) { return v > ctx.asOf ? null : v < daysBefore(ctx.asOf, x); },
    mentions: function (v, x) {
      var words = v instanceof Text ? v.words : "_" + v + "_";
      return x.some(function (e) {
        var stem = e.slice(-1) === "*";
        return stem ? hasStem(words, e.slice(0, -1)) : words.indexOf("_" + e + "_") >= 0;
      });
    },
    starts_with: function (v, x) { return (v instanceof Text ? v.low : String(v)).startsWith(x); },
    ends_with: function (v, x) { return (v instanceof Text ? v.low : String(v)).endsWith(x); },
    member_contains: function (v, x) {
      var phrases = x[0], least = x[1];
      return v.some(function (m) {
        return phrases.some(function (p) { return m === p || (chars(p) >= least && m.indexOf(p) >= 0); });
      });
    },
    not_empty: function (v) { return v.length > 0; }
  };

  /* at_least / at_most n of three-valued results: known when the unknown ones cannot
     change the answer (engine.evaluate.count_holds) */
  function countHolds(op, n, results) {
    var met = 0, unknown = 0;
    results.forEach(function (r) { if (r === true) met++; else if (r === null) unknown++; });
    if (op === "at_least") return met >= n ? true : met + unknown < n ? false : null;
    return met + unknown <= n ? true : met > n ? false : null;
  }

  function test(rules, cond, company, ctx) {
    if (cond.leaf) {
      var f = cond.leaf[0], op = cond.leaf[1], v = company[f];
      if (v === undefined) v = null;
      if (v === null && !rules.operators[op].null_known) return null;
      return OPS[op](v, cond.leaf[2], ctx);
    }
    if (cond.count) {
      return countHolds(cond.count[0], cond.count[1], cond.count[2].map(function (c) { return test(rules, c, company, ctx); }));
    }
    var items = cond.all || cond.any, results, i;
    if (items) {
      results = items.map(function (c) { return test(rules, c, company, ctx); });
      var stop = cond.all ? false : true;
      for (i = 0; i < results.length; i++) if (results[i] === stop) return stop;
      for (i = 0; i < results.length; i++) if (results[i] === null) return null;
      return !stop;
    }
    var inner = test(rules, cond.not, company, ctx);
    return inner === null ? null : !inner;
  }

  function apply(rules, rule, owner, company, ctx) {
    var result = test(rules, rule.when, company, ctx);
    return { rule: rule, owner: owner, id: rule.id, result: result, points: result === true ? rule.points : 0 };
  }
  function tierOf(score, t) { return score >= t.A ? "A" : score >= t.B ? "B" : score >= t.C ? "C" : "D"; }
  function sum(list) { return list.reduce(function (s, r) { return s + r.points; }, 0); }
  /* the points of a criterion or group (engine.evaluate.group_points): a group's items add
     up, or with first_match the first criterion met counts alone; never more than its cap */
  function itemPoints(item, byId) {
    if (item.rule !== undefined) return byId[item.rule].result === true ? byId[item.rule].rule.points : 0;
    var total = 0;
    if (item.first_match) {
      for (var i = 0; i < item.items.length; i++) {
        var r = item.items[i].rule !== undefined ? byId[item.items[i].rule] : null;
        if (r && r.result === true) { total = r.rule.points; break; }
      }
    } else total = item.items.reduce(function (s, i) { return s + itemPoints(i, byId); }, 0);
    return item.cap !== null && item.cap !== undefined ? Math.min(total, item.cap) : total;
  }
  /* every group, depth first: [[id, label, subtotal]]; criteria met after the first one met
     in a first_match group earn nothing (their ids in `shadowed`) */
  function groupsOf(items, byId, out, shadowed) {
    items.forEach(function (item) {
      if (item.rule !== undefined) return;
      out.push([item.group, item.label, itemPoints(item, byId)]);
      if (item.first_match) {
        item.items.filter(function (i) { return i.rule !== undefined && byId[i.rule].result === true; })
          .slice(1).forEach(function (i) { shadowed[i.rule] = true; });
      }
      groupsOf(item.items, byId, out, shadowed);
    });
    return out;
  }
  function firstMet(results) {
    for (var i = 0; i < results.length; i++) if (results[i].result === true) return results[i].id;
    return null;
  }
  function better(a, b) {
    for (var i = 0; i < 3; i++) if (a.rank[i] !== b.rank[i]) return a.rank[i] > b.rank[i];
    return false;
  }

  /* The verdict for one company (field -> value; absent or null is unknown). */
  function evaluate(rules, input, asOf) {
    useUnicode(rules.unicode);
    var ctx = { asOf: asOf }, company = {};
    Object.keys(rules.fields).forEach(function (name) {
      var fld = rules.fields[name], v = input[name] === undefined ? null : input[name];
      /* absent stays null (unknown), never the empty set (that is a present, empty answer) */
      if (fld.type === "text" && typeof v === "string") v = readText(v, fld.folds, rules.text_reading);
      else if (fld.type === "set_of" && !fld.values && v !== null) {
        /* an open set keeps its members in normal form */
        var seen = {};
        v = v.map(function (m) { return normal(String(m), fld.folds); })
          .filter(function (m) { if (!m || seen[m]) return false; seen[m] = true; return true; });
      }
      company[name] = v;
    });
    var negatives = rules.negatives.map(function (n) {
      return {
        negative: n.id, title: n.title, applies_to: n.applies_to,
        disqualifiers: n.disqualifiers.map(function (r) { return apply(rules, r, n.id, company, ctx); }),
        warnings: n.warnings.map(function (r) { return apply(rules, r, n.id, company, ctx); })
      };
    });
    negatives.forEach(function (n) { n.disqualifies = n.disqualifiers.some(function (r) { return r.result === true; }); });
    var profiles = rules.icps.map(function (icp, order) {
      var reqs = icp.requirements.map(function (r) { return apply(rules, r, icp.id, company, ctx); });
      var crit = icp.criteria.map(function (r) { return apply(rules, r, icp.id, company, ctx); });
      var byId = {};
      crit.forEach(function (r) { byId[r.id] = r; });
      var items = icp.items && icp.items.length ? icp.items : icp.criteria.map(function (r) { return { rule: r.id }; });
      var shadowed = {}, groups = groupsOf(items, byId, [], shadowed);
      var earned = items.reduce(function (s, i) { return s + itemPoints(i, byId); }, 0);
      crit.forEach(function (r) { if (shadowed[r.id]) { r.points = 0; r.shadowed = true; } });
      var gates = (icp.gates || []).map(function (r) { return apply(rules, r, icp.id, company, ctx); });
      var gated = firstMet(gates);
      var warns = [];
      negatives.forEach(function (n) {
        if (n.applies_to === null || has(n.applies_to, icp.id)) warns = warns.concat(n.warnings);
      });
      var eligible = gated === null && reqs.every(function (r) { return r.result !== false; });
      var known = reqs.filter(function (r) { return r.result !== null; }).length;
      var needed = reqs.length ? rules.known_needed[String(reqs.length)] : 0;
      var capped = eligible && reqs.some(function (r) { return r.result === null; });
      var score = earned + sum(warns);
      var scoreTier = tierOf(score, icp.tiers);
      var tier = null;
      if (eligible) tier = capped && RANK[scoreTier] > RANK[rules.unknown_cap] ? rules.unknown_cap : scoreTier;
      /* the best case: an unknown criterion goes the company's way (met when it gives points) */
      var hoped = {};
      crit.forEach(function (r) { hoped[r.id] = r.result === null ? { rule: r.rule, result: r.rule.points > 0 } : r; });
      var upside = eligible ? items.reduce(function (s, i) { return s + itemPoints(i, hoped); }, 0) - earned : 0;
      return {
        upside: upside, best_case_tier: eligible ? tierOf(score + upside, icp.tiers) : null,
        icp: icp.id, title: icp.title, url: icp.url, requirements: reqs, criteria: crit, warnings: warns,
        groups: groups, gates: gates, status: gated,
        eligible: eligible, capped: capped, score: score, score_tier: scoreTier, tier: tier,
        known: known, enough: known >= needed,
        rank: tier ? [RANK[tier], score, -order] : [0, 0, -order]
      };
    });
    var best = null;
    /* the best fit among the profiles known enough to judge (the tier policy's min_known_share) */
    profiles.forEach(function (p) { if (p.eligible && p.enough && (best === null || better(p, best))) best = p; });
    var disq = negatives.filter(function (n) { return n.disqualifies; }).map(function (n) { return n.negative; });
    var warnings = [];
    negatives.forEach(function (n) {
      n.warnings.forEach(function (r) { if (r.result === true) warnings.push(n.negative + "/" + r.id); });
    });
    /* status gates, after the disqualifiers: the first met gives its status, no score */
    var gates = (rules.gates || []).map(function (r) { return apply(rules, r, "policy", company, ctx); });
    var gated = firstMet(gates);
    if (gated === null && profiles.length && profiles.every(function (p) { return p.status; })) gated = profiles[0].status;
    /* no profile known enough while some is still eligible: insufficient_data, no score */
    var insufficient = best === null && profiles.some(function (p) { return p.eligible; });
    var status = disq.length ? "disqualified" : gated || (insufficient ? "insufficient_data" : "scored");
    var tier = disq.length || best === null ? "D" : best.tier, score = best ? best.score : 0;
    if (status === "disqualified" && rules.disqualified_score === "zero") score = 0;
    else if (status !== "scored" && status !== "disqualified") { tier = null; score = null; }
    var bestCase = null, deciding = [];
    if (status === "scored" || status === "disqualified" || status === "insufficient_data") {
      var found = bestCaseOf(rules, profiles, company, disq.length || best === null ? "D" : best.tier, disq.length > 0);
      bestCase = found[0]; deciding = found[1];
    }
    /* flags change no points; one marked only_when_scored shows only when scored */
    var flags = (rules.flags || []).map(function (f) {
      var r = apply(rules, f, "policy", company, ctx);
      r.shown = status === "scored" || !f.only_when_scored ? r.result : null;
      return r;
    });
    return {
      as_of: asOf, profiles: profiles, negatives: negatives,
      best_profile: best ? best.icp : null, best: best,
      score: score, tier: tier, status: status, gates: gates, flags: flags,
      raised: flags.filter(function (f) { return f.shown === true; }).map(function (f) { return f.id; }),
      disqualified_by: disq, warnings: warnings, best_case_tier: bestCase, deciding_fields: deciding
    };
  }

  /* engine.evaluate._best_case: the best tier a profile reaches if the company's unknowns go
     its way, and the unknown fields that decide it; a disqualified company stays D */
  function bestCaseOf(rules, profiles, company, tier, disqualified) {
    var eligible = profiles.filter(function (p) { return p.eligible; });
    if (disqualified || !eligible.length) return [tier, []];
    var order = {};
    profiles.forEach(function (p, i) { order[p.icp] = i; });
    var key = function (p) { return [RANK[p.best_case_tier], p.score + p.upside, -order[p.icp]]; };
    var top = eligible.reduce(function (a, b) {
      var ka = key(a), kb = key(b);
      for (var i = 0; i < 3; i++) if (ka[i] !== kb[i]) return kb[i] > ka[i] ? b : a;
      return a;
    });
    if (RANK[top.best_case_tier] <= RANK[tier]) return [tier, []];
    var open = top.requirements.filter(function (r) { return r.result === null; })
      .concat(top.criteria.filter(function (r) { return r.result === null && r.rule.points > 0; }));
    var read = {};
    open.forEach(function (r) { leaves(r.rule.when, []).forEach(function (l) { read[l[0]] = true; }); });
    var deciding = Object.keys(rules.fields).filter(function (n) {
      /* unknown, or a band ("51-200") that straddles the rule's edge (a set is an array too) */
      var v = company[n];
      return read[n] && (v === null || v === undefined || (isNumber(rules.fields[n]) && Array.isArray(v) && v[0] !== v[1]));
    });
    return [top.best_case_tier, deciding];
  }

  /* ---- which unknown answers would change the verdict ------------------------------ */
  function leaves(cond, out) {
    if (cond.leaf) out.push(cond.leaf);
    else if (cond.not) leaves(cond.not, out);
    else (cond.all || cond.any || cond.count[2]).forEach(function (c) { leaves(c, out); });
    return out;
  }
  function allRules(rules) {
    var out = [];
    rules.icps.forEach(function (i) { out = out.concat(i.requirements, i.criteria); });
    rules.negatives.forEach(function (n) { out = out.concat(n.disqualifiers, n.warnings); });
    rules.icps.forEach(function (i) { out = out.concat(i.gates || []); });
    return out.concat(rules.gates || [], rules.flags || []);
  }
  function candidates(rules, name, asOf) {
    var fld = rules.fields[name], out = [];
    if (fld.type === "yes_no") return [true, false];
    if (fld.type === "set_of") {
      out.push([]);
      (fld.values || []).forEach(function (v) { out.push([v[0]]); });
      return out;
    }
    if (fld.values) return fld.values.map(function (v) { return v[0]; });
    allRules(rules).forEach(function (r) {
      leaves(r.when, []).forEach(function (l) {
        if (l[0] !== name) return;
        var xs = Array.isArray(l[2]) ? l[2] : [l[2]];
        xs.forEach(function (x) {
          if (typeof x === "number") out.push(x - 1, x, x + 1);
          else if (l[1] === "within_days" || l[1] === "older_than_days") {
            out.push(daysBefore(asOf, x - 1), daysBefore(asOf, x + 1));
          } else if (typeof x === "string" && fld.type === "date") out.push(daysBefore(x, 1), x, daysBefore(x, -1));
        });
      });
    });
    return out;
  }
  /* a change a rep cares about: the tier, or being disqualified */
  function outcome(v) { return v.tier + "|" + v.status; }

  /* For each unknown field the rules read: the answers that would change the verdict. */
  function whatIf(rules, company, asOf) {
    var now = evaluate(rules, company, asOf), key = outcome(now), found = [];
    /* a lead with no tier yet is not told which answers would make it tier D: only moves
       up, or a disqualifier, are worth a question on a call */
    var noise = function (v) { return now.tier === null && v.tier === "D" && !v.disqualified_by.length; };
    var read = {};
    allRules(rules).forEach(function (r) { leaves(r.when, []).forEach(function (l) { read[l[0]] = true; }); });
    Object.keys(rules.fields).forEach(function (name) {
      var v = company[name];
      if (!read[name] || (v !== undefined && v !== null)) return;
      var groups = {}, order = [], tried = candidates(rules, name, asOf);
      tried.forEach(function (c) {
        var trial = Object.assign({}, company); trial[name] = c;
        var v2 = evaluate(rules, trial, asOf), k = outcome(v2);
        if (k === key || noise(v2)) return;
        if (!groups[k]) { groups[k] = { verdict: v2, values: [] }; order.push(k); }
        groups[k].values.push(c);
      });
      if (order.length) {
        order.sort(function (a, b) { return (RANK[groups[b].verdict.tier] || 0) - (RANK[groups[a].verdict.tier] || 0); });
        found.push({ field: name, outcomes: order.map(function (k) { return groups[k]; }), tried: tried });
      }
    });
    return found;
  }

  /* ---- what a rep types in a number box ----------------------------------------------
     Read in the handbook's own number format, a decimal point and comma thousands (1,234.5:
     "250,000" is 250000), as `icp explain --set … --decimal-point` reads it: the grammar of
     icpkit.sql.numbers (rules.numbers: a plain number; else a band "51-200", an open band
     "200+" or an amount "$1.5M"), each digits part read with a decimal point. A reading
     counts when it fits the field (a whole number for an integer, inside the vocabulary's
     bounds, a currency or "%" the field's unit). A text that a decimal comma would read
     otherwise is never read silently: "1.200" is read as 1.2 and the rep is told so (with
     a decimal comma it would be 1200), and "1,5", readable only with a decimal comma, is not
     read and the rep is told to write 1.5. A browser test compares every spelling with the
     engine's reading. Never a guess. */
  var NUM = null;
  function useNumbers(g, blanks, nullTokens) {
    if (!g || NUM) return;
    NUM = {
      plain: new RegExp("^(?:" + g.plain_dot + ")$"), band: new RegExp(g.band), plus: new RegExp(g.plus),
      amount: new RegExp(g.amount), dot: new RegExp("^(?:" + g.dot + ")$"), comma: new RegExp("^(?:" + g.comma + ")$"),
      stripDot: new RegExp(g.strip_dot, "g"), stripComma: new RegExp(g.strip_comma, "g"),
      longest: g.longest, currencies: g.currencies, suffixes: g.suffixes, blanks: blanks,
      nullTokens: nullTokens || [], minus: g.minus,
      whys: g.whys.map(function (w) { return [new RegExp(w[0]), w[1]]; })
    };
  }
  function trimBlanks(t, blanks) {
    var from = 0, to = t.length;
    while (from < to && blanks.indexOf(t[from]) >= 0) from++;
    while (to > from && blanks.indexOf(t[to - 1]) >= 0) to--;
    return t.slice(from, to);
  }
  /* one digits part in one convention (icp_dot / icp_comma), its point moved `power` places
     ("4.1" and 6 read as "4.1e6": 4.1 * 1e6 is 4099999.9999999995), or null */
  function digits(num, comma, power) {
    if (!(comma ? NUM.comma : NUM.dot).test(num)) return null;
    var t = num.replace(comma ? NUM.stripComma : NUM.stripDot, "");
    var n = Number((comma ? t.replace(",", ".") : t) + "e" + (power || 0));
    return isNaN(n) ? null : n;
  }
  /* [low, high] of the cell in one convention, or null (parsing._readings) */
  function cellReading(shape, fld, comma) {
    if (shape.band) {
      var a = digits(shape.band[1], comma), b = digits(shape.band[2], comma);
      return a === null || b === null ? null : [a, b];
    }
    if (shape.plus) { var p = digits(shape.plus[1], comma); return p === null ? null : [p, Infinity]; }
    var m = shape.amount;
    if (foreignMark(m, fld) !== null) return null;
    var v = digits(m[4], comma, m[5] ? NUM.suffixes[m[5]] : 0);
    if (v === null) return null;
    var n = (m[2] && NUM.minus.indexOf(m[2]) >= 0 ? -1 : 1) * v;
    return [n, n];
  }
  /* the first currency code or "%" an amount writes that the field does not take, or null
     (parsing._foreign_mark): such a cell is not read as the field's */
  function foreignMark(m, fld) {
    var unit = (fld.unit || "").toUpperCase(), allowed = unit === "PERCENT" ? "%" : unit;
    for (var i = 0; i < 3; i++) {
      var c = [m[1], m[3], m[6]][i], code = c ? (c === "%" ? "%" : NUM.currencies[c]) : null;
      if (c && code !== allowed) return code;
    }
    return null;
  }
  /* why an amount in a currency or % the field does not take is not read (as
     parsing._unit_why_sql says it to icp explain and icp score), else "" */
  function unitWhy(shape, fld) {
    var code = shape.amount ? foreignMark(shape.amount, fld) : null;
    if (code === null) return "";
    var unit = (fld.unit || "").toUpperCase(), named = code === "%" ? "a percentage" : "in " + code;
    var codes = Object.keys(NUM.currencies).map(function (k) { return NUM.currencies[k]; });
    if (codes.indexOf(unit) >= 0) {
      return code === "%" ? "a percentage, not an amount in " + unit : named + ", not " + unit + " (amounts are never converted)";
    }
    return unit === "PERCENT" ? named + ", not percent" : named + ", which " + fld.name + " is not counted in";
  }
  /* "−5" (U+2212) as "-5", an accounting negative "(1,200)" as "-1,200" (numbers.signed) */
  function signed(low) {
    if (low[0] === "\u2212") return "-" + low.slice(1);
    return low.length > 1 && low[0] === "(" && low[low.length - 1] === ")" ? "-" + trimBlanks(low.slice(1, -1), NUM.blanks) : low;
  }
  /* why a cell of a known unreadable shape ("~500", ">1000", "1,00,000") is no number, as
     icp explain and icp score say it (numbers.WHYS), else "" */
  function shapeWhy(low) {
    for (var i = 0; i < NUM.whys.length; i++) if (NUM.whys[i][0].test(low)) return NUM.whys[i][1];
    return "";
  }
  function fits(n, fld, upper) {
    if (!(isFinite(n) || (upper && n === Infinity))) return false;
    if (fld.type === "integer" && isFinite(n) && n !== Math.floor(n)) return false;
    if (fld.minimum !== null && fld.minimum !== undefined && n < fld.minimum) return false;
    return fld.maximum === null || fld.maximum === undefined || n <= fld.maximum || n === Infinity && upper;
  }
  function cellFits(r, fld) { return r !== null && fits(r[0], fld, false) && fits(r[1], fld, true) && r[0] <= r[1]; }
  function shown(r) {
    var one = function (x) { return String(x); };
    return r[0] === r[1] ? one(r[0]) : r[1] === Infinity ? one(r[0]) + "+" : one(r[0]) + "-" + one(r[1]);
  }
  function outside(n, fld) {
    var lo = fld.minimum, hi = fld.maximum, has = function (x) { return x !== null && x !== undefined; };
    /* a bound the vocabulary does not give is no bound (`n > null` would be `n > 0`) */
    if (!((has(lo) && n < lo) || (has(hi) && n > hi))) return "";
    return has(lo) && has(hi) ? "outside " + lo + " to " + hi : has(lo) ? "below the least value " + lo : "above the greatest value " + hi;
  }
  function readNumber(text, fld) {
    var t = trimBlanks(String(text), NUM.blanks);
    /* nothing, or a null token ('n/a', '?', '-'): not known, as a text or an export's cell */
    if (t === "" || NUM.nullTokens.indexOf(t.toLowerCase()) >= 0) return { value: null };
    var wrong = function (why) {
      return { error: "Can't read \u201c" + t + "\u201d" + (why ? " (" + why + ")" : "") + ": write it as " + numberExamples(fld).join(" or ") + "." };
    };
    /* lowered, with a leading minus sign U+2212 and an accounting negative "(1,200)" written
       with "-" (numbers.signed), which may make it a plain number ("(12.5)") */
    var v, low = signed(t.toLowerCase()), shape = {};
    if (t.length <= NUM.longest && NUM.plain.test(low) && isFinite(v = Number(low))) {
      if (!fits(v, fld, false)) return wrong(outside(v, fld));
      var plainly = { value: v }, as = { amount: NUM.amount.exec(low) };
      return as.amount ? withNote(plainly, t, [v, v], cellReading(as, fld, true), fld) : plainly;
    }
    if (t.length > NUM.longest) return wrong("");
    if ((shape.band = NUM.band.exec(low)) === null && (shape.plus = NUM.plus.exec(low)) === null &&
        (shape.amount = NUM.amount.exec(low)) === null) return wrong(shapeWhy(low));
    var dot = cellReading(shape, fld, false), comma = cellReading(shape, fld, true);
    if (!cellFits(dot, fld)) {
      var no = wrong(outside((dot || comma || [NaN])[0], fld) || unitWhy(shape, fld) || shapeWhy(low));
      /* "1,5" or "1.200,5": a decimal comma, which this handbook does not write */
      if (cellFits(comma, fld)) no.error += " This page reads numbers as the handbook writes them, 1,234.5: with a decimal point, that is " + shown(comma) + ".";
      return no;
    }
    return withNote({ value: dot[0] === dot[1] ? dot[0] : [dot[0], dot[1] === Infinity ? null : dot[1]] }, t, dot, comma, fld);
  }
  /* "1.200": 1.2 here, 1200 with a decimal comma (a point that may group thousands): read as
     the handbook writes it, and said ("250,000" is the handbook's own spelling) */
  function withNote(r, t, dot, comma, fld) {
    if (t.indexOf(".") >= 0 && cellFits(comma, fld) && (dot[0] !== comma[0] || dot[1] !== comma[1])) {
      r.note = "Read as " + shown(dot) + " (a decimal point, as the handbook writes 1,234.5); for " + shown(comma) + ", write " + shownGrouped(comma) + ".";
    }
    return r;
  }
  /* a reading in the handbook's own format (1200 as 1,200) */
  function shownGrouped(r) {
    var one = function (x) { return x.toLocaleString("en", { maximumFractionDigits: 20 }); };
    return r[0] === r[1] ? one(r[0]) : r[1] === Infinity ? one(r[0]) + "+" : one(r[0]) + "-" + one(r[1]);
  }

  if (window.ICP_RULES) {
    useUnicode(window.ICP_RULES.unicode);
    useNumbers(window.ICP_RULES.numbers, window.ICP_RULES.text_reading.blanks,
      window.ICP_RULES.text_reading.null_tokens);
  }
  var api = { OPS: OPS, evaluate: evaluate, whatIf: whatIf, normal: normal, Text: Text, readNumber: readNumber };
  window.icpQualify = api;

  /* ---- the form ----------------------------------------------------------------------- */
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k]; else if (attrs[k] !== null) e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  /* the numbers of one outcome as ranges a rep can ask about ("20 percent or more",
     "50 to 99"), from `all` the values whatIf tried around every threshold of the rules:
     between two tried values no rule changes its answer */
  function numberRanges(rules, name, values, all) {
    if (!isNumber(rules.fields[name])) return null;
    var tried = all.filter(function (x, i) { return typeof x === "number" && all.indexOf(x) === i; })
      .sort(function (a, b) { return a - b; });
    var inGroup = {}, runs = [], run = null;
    values.forEach(function (x) { inGroup[x] = true; });
    tried.forEach(function (x) {
      if (inGroup[x]) { if (run) run[1] = x; else { run = [x, x]; runs.push(run); } }
      else run = null;
    });
    if (!runs.length) return null;
    var first = tried[0], last = tried[tried.length - 1], say = function (x) { return labelOf(rules, name, x); };
    return runs.slice(0, 3).map(function (r) {
      if (r[0] === first && r[1] === last) return "any number";
      if (r[0] === first) return say(r[1]) + " or less";
      if (r[1] === last) return say(r[0]) + " or more";
      return r[0] === r[1] ? say(r[0]) : say(r[0]) + " to " + say(r[1]);
    }).join(" or ");
  }

  function labelOf(rules, name, value) {
    var fld = rules.fields[name];
    if (value === true) return "yes";
    if (value === false) return "no";
    if (Array.isArray(value)) return value.length ? value.map(function (v) { return labelOf(rules, name, v); }).join(", ") : "none";
    if (fld.values) { for (var i = 0; i < fld.values.length; i++) if (fld.values[i][0] === value) return fld.values[i][1]; }
    if (typeof value === "number") return value.toLocaleString("en") + (fld.unit && fld.unit !== "people" && fld.unit !== "year" ? " " + fld.unit : "");
    return String(value);
  }
  function today() {
    var d = new Date();
    return new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate())).toISOString().slice(0, 10);
  }
  /* field -> the call-script lines of the rules that read it, [class, text]: a rule's help
     stands under every field it reads, and a field never shows the same line twice */
  function questions(rules) {
    var byField = {};
    allRules(rules).forEach(function (r) {
      var lines = [];
      if (r.question) lines.push(["q-ask", "Ask: " + r.question]);
      if (r.crm_hint) lines.push(["q-crm", "In the CRM: " + r.crm_hint]);
      leaves(r.when, []).forEach(function (l) {
        var help = byField[l[0]] = byField[l[0]] || [];
        lines.forEach(function (line) {
          if (!help.some(function (h) { return h[1] === line[1]; })) help.push(line);
        });
      });
    });
    return byField;
  }

  function control(rules, name, asked) {
    var fld = rules.fields[name], id = "q-" + name, box;
    var help = (asked[name] || []).map(function (h) { return el("span", { class: h[0], text: h[1] }); });
    /* the call script describes its control (a screen reader reads it on focus) */
    var helpBox = help.length ? el("span", { class: "q-help", id: id + "-help" }, help) : null;
    var about = function (more) { return [helpBox ? id + "-help" : "", more || ""].join(" ").trim() || null; };
    if (fld.type === "set_of" && !fld.values) {
      /* an open set: one member a line, as the CRM shows it */
      var hint = fld.empty_set ? "One a line, or tick None; empty means don't know." : "One a line; empty means don't know.";
      return el("div", { class: "q-field q-open-set", id: id }, [el("label", { for: id + "-in", text: fld.label }), helpBox,
        el("span", { class: "q-note", text: hint }), el("textarea", { id: id + "-in", name: name, rows: "3", "aria-describedby": about() }), noneBox(fld, name)]);
    }
    if (fld.type === "set_of") {
      var opts = (fld.values || []).map(function (v) {
        return el("label", { class: "q-check" }, [el("input", { type: "checkbox", name: name, value: v[0] }), " " + v[1]]);
      });
      var note = fld.empty_set ? "Tick what applies, or None of these; nothing ticked means don't know." : "Nothing ticked means don't know.";
      box = el("fieldset", { class: "q-field q-set", id: id, "aria-describedby": about() }, [el("legend", { text: fld.label }), helpBox, el("span", { class: "q-note", text: note })].concat(opts, [noneBox(fld, name)]));
      return box;
    }
    if (fld.type === "yes_no") {
      var radios = [["", "Don't know"], ["yes", "Yes"], ["no", "No"]].map(function (p, i) {
        var attrs = { type: "radio", name: name, value: p[0] };
        if (i === 0) attrs.checked = "checked";
        return el("label", { class: "q-radio" }, [el("input", attrs), " " + p[1]]);
      });
      return el("fieldset", { class: "q-field q-yesno", id: id, "aria-describedby": about() }, [el("legend", { text: fld.label }), helpBox].concat(radios));
    }
    var input;
    if (fld.values) {
      input = el("select", { id: id + "-in", name: name, "aria-describedby": about() }, [el("option", { value: "", text: "Don't know" })].concat(
        fld.values.map(function (v) { return el("option", { value: v[0], text: v[1] }); })));
    } else if (isNumber(fld)) {
      /* text, not type=number: a rep hears "51-200 people" or "1.5M" on a call */
      input = el("input", { id: id + "-in", name: name, type: "text", inputmode: "decimal", placeholder: "Don't know (" + numberExamples(fld).join(", ") + ")", "aria-describedby": about(id + "-err") });
      var unitText = fld.unit ? " (" + fld.unit + ")" : "";
      return el("div", { class: "q-field", id: id }, [el("label", { for: id + "-in", text: fld.label + unitText }), helpBox, input,
        el("span", { class: "q-error", id: id + "-err", role: "status" })]);
    } else if (fld.type === "date") {
      input = el("input", { id: id + "-in", name: name, type: "date", "aria-describedby": about() });
    } else {
      input = el("input", { id: id + "-in", name: name, type: "text", placeholder: "Don't know", "aria-describedby": about() });
    }
    var unit = fld.unit ? " (" + fld.unit + ")" : "";
    return el("div", { class: "q-field", id: id }, [el("label", { for: id + "-in", text: fld.label + unit }), helpBox, input]);
  }

  /* what a rep may type, in the field's own unit (a year is no band of people) */
  function numberExamples(fld) {
    if (fld.unit === "year") return ["2015"];
    if (fld.unit === "percent") return ["25", "12.5%", "10-20"];
    if (fld.unit === "people") return ["250", "51-200", "10,001+"];
    if (fld.type === "integer") return ["250", "51-200", "200+"];
    return ["600k", "1.5M", "250,000"];
  }

  /* "None of these": the one way to say a field with `empty: empty_set` is known to be empty
     (nothing ticked is "don't know", as an absent CRM column is unknown) */
  function noneBox(fld, name) {
    if (!fld.empty_set) return null;
    return el("label", { class: "q-check q-none" }, [el("input", { type: "checkbox", name: name + "--none", value: "none" }), " None of these"]);
  }

  function readForm(rules, form) {
    var company = {};
    Object.keys(rules.fields).forEach(function (name) {
      var fld = rules.fields[name];
      var none = form.querySelector('input[name="' + name + '--none"]:checked') !== null;
      if (fld.type === "set_of" && !fld.values) {
        var box = form.querySelector('[name="' + name + '"]');
        var lines = box ? box.value.split("\n").filter(function (l) { return l.trim(); }) : [];
        if (lines.length || none) company[name] = lines;
        return;
      }
      if (fld.type === "set_of") {
        var ticked = Array.prototype.slice.call(form.querySelectorAll('input[name="' + name + '"]:checked')).map(function (i) { return i.value; });
        if (ticked.length || none) company[name] = ticked;
        return;
      }
      if (fld.type === "yes_no") {
        var r = form.querySelector('input[name="' + name + '"]:checked');
        if (r && r.value) company[name] = r.value === "yes";
        return;
      }
      var input = form.querySelector('[name="' + name + '"]');
      if (!input) return;
      if (isNumber(fld)) {
        var r = readNumber(input.value, fld), err = document.getElementById(input.id.replace(/-in$/, "-err"));
        if (err) err.textContent = r.error ? r.error + " Counted as don't know." : r.note || "";
        if (r.value !== null && r.value !== undefined) company[name] = r.value;
      } else if (input.value !== "") company[name] = input.value;
    });
    return company;
  }

  /* why the rule is there, as its profile page says it: a line of its own, read in order */
  function whyLine(rule) {
    return rule.why ? el("span", { class: "q-why", text: "Why: " + rule.why }) : null;
  }
  var STATUS = { "true": ["met", "✓"], "false": ["unmet", "✗"], "null": ["unknown", "?"] };
  function ruleItem(r, showPoints) {
    var s = STATUS[String(r.result)];
    var pts = showPoints ? " " + (r.points > 0 ? "+" : "") + r.points + " of " + (r.rule.points > 0 ? "+" : "") + r.rule.points : "";
    return el("li", { class: "q-rule q-" + s[0] }, [
      el("span", { class: "q-status", text: s[1] + " " + s[0] }), " ",
      el("strong", { text: r.rule.label }), pts ? el("span", { class: "q-pts", text: pts }) : null,
      el("span", { class: "q-words", text: r.rule.words }), whyLine(r.rule)
    ]);
  }

  /* the status gate that stopped the company (the policy's, else the first profile's) */
  function gateMet(v) {
    if (v.status === "scored" || v.status === "disqualified") return null;
    var all = v.gates.concat.apply(v.gates, v.profiles.map(function (p) { return p.gates; }));
    for (var i = 0; i < all.length; i++) if (all[i].result === true && all[i].id === v.status) return all[i];
    return null;
  }

  /* profile id -> open: the profiles whose details the rep opened or closed, kept while the
     verdict is rebuilt on every key press */
  var OPENED = {};
  function render(rules, out, company, asOf) {
    var v = evaluate(rules, company, asOf);
    out.textContent = "";
    var head, gate = gateMet(v);
    if (gate) head = "Not scored: " + gate.rule.label + " (" + v.status.replace(/_/g, " ") + ")";
    else if (v.disqualified_by.length) {
      var names = v.negatives.filter(function (n) { return n.disqualifies; }).map(function (n) { return n.title; });
      head = "Tier D: disqualified (" + names.join(", ") + ")" + (rules.disqualified_score === "zero" ? ", 0 points" : "");
    } else if (v.status === "insufficient_data") {
      /* as icp explain: no score, no tier, while no requirement of a fitting ICP is known */
      head = "Not scored: no requirement of a fitting ICP is known (insufficient data)";
    } else if (!v.best) head = "Tier D: no ICP fits";
    else if (v.tier === "D") head = "Tier D: not a lead yet (closest: " + v.best.title + ", " + v.score + " points)";
    else head = "Tier " + v.tier + ": best fit " + v.best.title + ", " + v.score + " points";
    out.appendChild(el("p", { class: "q-headline q-tier-" + v.tier, id: "q-headline", text: head }));
    /* a lead whose unknowns could still lift it is not dropped: say how far, and what to ask */
    var lifted = !!v.best_case_tier && RANK[v.best_case_tier] > RANK[v.tier || "D"];
    if (lifted) {
      var asks0 = v.deciding_fields.map(function (n) { return rules.fields[n].label; });
      out.appendChild(el("p", { class: "q-best-case", id: "q-best-case" }, [
        el("strong", { text: "Could be tier " + v.best_case_tier + ": " }),
        "if the unknowns go its way. Ask about " + (asks0.join(", ") || "the open requirements") + " before acting on this tier."]));
    }
    /* the sticky bar (on a phone the verdict is far below the form) and the live region say
       the best case too: "not a lead yet" alone reads as "drop it" */
    var said = head + (lifted ? "; could be tier " + v.best_case_tier + ": ask first" : "");
    var sticky = document.getElementById("q-sticky");
    if (sticky) sticky.textContent = said;
    var live = document.getElementById("q-live");
    if (live && live.textContent !== said) live.textContent = said;
    if (v.best && v.best.capped && v.best.score_tier !== v.best.tier) {
      out.appendChild(el("p", { text: "The score alone gives tier " + v.best.score_tier + "; capped to " + v.best.tier + " until the unknown requirements are checked." }));
    }
    var raised = v.flags.filter(function (f) { return f.shown === true; });
    if (raised.length) {
      out.appendChild(el("ul", { class: "q-flags", id: "q-flags" }, raised.map(function (f) {
        return el("li", {}, [el("strong", { text: "⚑ " + f.rule.label }), f.rule.why ? " " + f.rule.why : ""]);
      })));
    }
    var route = gate ? null : rules.routes[v.disqualified_by.length ? "disqualified" : v.tier] || rules.routes[v.tier];
    function routeText(r) {
      return r.owner + ", " + r.response.toLowerCase() + ". " + r.action + (r.content ? " Content: " + r.content + "." : "");
    }
    /* a tier that rests on unknowns is not acted on yet: the first step is the answers, then
       the route of the tier they give (the current tier's route alone said "no outreach, do
       not spend sales time" under "Could be tier A") */
    var upRoute = lifted && route && !v.disqualified_by.length ? rules.routes[v.best_case_tier] : null;
    if (upRoute) {
      var open = v.deciding_fields.map(function (n) { return rules.fields[n].label; });
      out.appendChild(el("p", { class: "q-route", id: "q-route" }, [
        el("strong", { text: "What to do until the answers are in: " }),
        "find out " + (open.join(", ") || "the open requirements") + " first (the CRM, the company's own pages, or a short call: see Ask next). Do not act on tier " + v.tier + " yet."]));
      out.appendChild(el("p", { class: "q-route q-route-up", id: "q-route-up" }, [
        el("strong", { text: "If the answers make it tier " + v.best_case_tier + ": " }), routeText(upRoute)]));
      out.appendChild(el("p", { class: "q-route q-route-keep", id: "q-route-keep" }, [
        el("strong", { text: "If they keep it at tier " + v.tier + ": " }), routeText(route)]));
    } else if (route) {
      out.appendChild(el("p", { class: "q-route", id: "q-route" }, [el("strong", { text: "What to do: " }), routeText(route)]));
    }
    var fired = [];
    v.negatives.forEach(function (n) {
      n.disqualifiers.concat(n.warnings).forEach(function (r) { if (r.result === true) fired.push([n, r]); });
    });
    if (fired.length) {
      out.appendChild(el("h3", { text: "Disqualifiers and warning signs" }));
      out.appendChild(el("ul", { class: "q-fired" }, fired.map(function (p) {
        var kind = p[1].rule.kind === "disqualifier" ? "× Disqualifier" : "⚠ Warning sign, " + p[1].points + " points";
        return el("li", {}, [el("strong", { text: kind + ": " }), p[1].rule.label + " (" + p[0].title + ")", whyLine(p[1].rule)]);
      })));
    }
    var asks = whatIf(rules, company, asOf);
    out.appendChild(el("h3", { text: "Ask next" }));
    if (!asks.length) {
      var known = Object.keys(company).length;
      out.appendChild(el("p", { text: known ? "No single unknown answer would change the tier." : "Start with what the CRM already knows: country, industry, employees." }));
    }
    else {
      out.appendChild(el("ul", { class: "q-ask-next", id: "q-ask-next" }, asks.map(function (a) {
        var parts = a.outcomes.slice(0, 3).map(function (o) {
          var vals = numberRanges(rules, a.field, o.values, a.tried) ||
            o.values.slice(0, 3).map(function (x) { return labelOf(rules, a.field, x); }).join(", ") + (o.values.length > 3 ? ", …" : "");
          var w = o.verdict, to = w.disqualified_by.length ? "tier D (disqualified)" : w.tier === null ? "not scored (" + w.status.replace(/_/g, " ") + ")" : "tier " + w.tier + (w.best ? " (" + w.best.title + ")" : "");
          return "if " + vals + ": " + to;
        });
        return el("li", {}, [el("strong", { text: rules.fields[a.field].label + ": " }), parts.join("; ")]);
      })));
    }
    v.profiles.forEach(function (p) {
      var det = el("details", { class: "q-profile" + (p === v.best ? " q-best" : "") });
      /* the best fit is open, the others closed, unless the rep opened or closed it */
      var icp = p.icp, ours = Object.prototype.hasOwnProperty.call(OPENED, icp) ? OPENED[icp] : p === v.best;
      if (ours) det.setAttribute("open", "open");
      det.addEventListener("toggle", function () {
        /* opening it here fires one toggle of its own; every later one is the rep's */
        if (ours) ours = false; else OPENED[icp] = det.open;
      });
      /* a status without a score (a gate, insufficient data) withholds every profile's (Verdict.shows_score) */
      var stopped = p.status || (p.eligible && v.tier === null ? v.status : null);
      var state = stopped ? "not scored (" + stopped.replace(/_/g, " ") + ")" : p.eligible ? "tier " + p.tier + ", " + p.score + " points" : "does not fit (" + p.requirements.filter(function (r) { return r.result === false; }).map(function (r) { return r.rule.label; }).join("; ") + ")";
      det.appendChild(el("summary", {}, [el("strong", { text: p.title }), ": " + state]));
      det.appendChild(el("p", {}, [el("a", { href: p.url, text: "The profile page" })]));
      det.appendChild(el("h4", { text: "Requirements" }));
      det.appendChild(el("ul", {}, p.requirements.map(function (r) { return ruleItem(r, false); })));
      det.appendChild(el("h4", { text: "Points" }));
      det.appendChild(el("ul", {}, p.criteria.concat(p.warnings).map(function (r) { return ruleItem(r, true); })));
      if (p.groups.length) {
        det.appendChild(el("h4", { text: "Components" }));
        det.appendChild(el("ul", { class: "q-groups" }, p.groups.map(function (g) {
          return el("li", {}, [el("strong", { text: g[1] + ": " }), g[2] + " points"]);
        })));
      }
      out.appendChild(det);
    });
    out.appendChild(el("p", { class: "q-asof", text: "As of " + asOf + "." }));
    return v;
  }

  function start() {
    var root = document.getElementById("icp-qualify");
    var rules = window.ICP_RULES;
    if (!root || !rules) return;
    var asked = questions(rules), read = {};
    allRules(rules).forEach(function (r) { leaves(r.when, []).forEach(function (l) { read[l[0]] = true; }); });
    var form = el("form", { class: "q-form", id: "q-form", "aria-label": "What you know about the company" });
    /* every vocabulary field; the ones no rule reads yet come last, marked */
    var names = Object.keys(rules.fields);
    names.filter(function (n) { return read[n]; }).concat(names.filter(function (n) { return !read[n]; })).forEach(function (name) {
      var box = control(rules, name, asked);
      if (!read[name]) box.appendChild(el("span", { class: "q-note", text: "No rule reads this yet: it does not change the verdict." }));
      form.appendChild(box);
    });
    /* the verdict is rebuilt on every key press: a screen reader hears only its headline,
       from a live region that stays in place (the verdict itself is read on demand) */
    var out = el("section", { class: "q-verdict", id: "q-verdict", "aria-label": "Verdict" });
    var live = el("p", { class: "q-live", id: "q-live", role: "status", "aria-live": "polite" });
    root.textContent = "";
    root.appendChild(el("div", { class: "q-layout" }, [form, out]));
    root.appendChild(live);
    /* on a phone the verdict is below the form: its headline stays in view (a copy, hidden
       from screen readers, which hear the verdict itself through aria-live) */
    root.appendChild(el("p", { class: "q-sticky", id: "q-sticky", "aria-hidden": "true" }));
    var asOf = today();
    /* rebuilt only when an answer changed: a box left after typing fires `change` with the
       same answers, and a rebuild then would swallow the click that left it (on a profile) */
    var shown = null;
    var update = function () {
      var company = readForm(rules, form), key = JSON.stringify(company);
      if (key !== shown) { shown = key; render(rules, out, company, asOf); }
    };
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    /* back to this page, the browser puts the rep's answers back into the form after this
       script has run (no input event): the verdict follows what the form shows */
    window.addEventListener("pageshow", update);
    update();
    window.icpQualifyReadyAt = performance.now();  /* ms since the page was opened */
    root.setAttribute("data-ready", "true");
  }
  /* the script follows the form's placeholder: start at once, not after the theme loads */
  if (document.getElementById("icp-qualify")) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
