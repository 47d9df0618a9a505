// Reads an .ics file, or subscribes to a feed URL (node-ical fetches it over HTTP), with
// node-ical, and prints its VEVENTs as JSON, like read_icaljs.js. A recurring event is
// expanded from FROM to TO (ISO days) with node-ical's own expandRecurringEvent.
'use strict';
const ical = require('node-ical');

const pad = (n) => String(n).padStart(2, '0');
const day = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const [source, from, to] = process.argv.slice(2);

function print(parsed) {
  const events = [];
  for (const key of Object.keys(parsed)) {
    const item = parsed[key];
    if (item.type !== 'VEVENT') continue;
    const allDay = item.datetype === 'date' || Boolean(item.start && item.start.dateOnly);
    const show = (d, whole) => (!d ? null : whole ? day(d) : d.toISOString());
    const title = (s) => (typeof s === 'object' && s !== null ? s.val : s);
    if (item.rrule) {
      if (!from || !to) throw new Error('a recurring event needs the days to expand it between');
      const range = { from: new Date(`${from}T00:00:00Z`), to: new Date(new Date(`${to}T00:00:00Z`) - 1) };
      for (const o of ical.expandRecurringEvent(item, range)) {
        events.push({ summary: title(o.summary ?? item.summary), allDay: o.isFullDay, start: show(o.start, o.isFullDay), end: show(o.end, o.isFullDay) });
      }
      continue;
    }
    events.push({ summary: title(item.summary), allDay, start: show(item.start, allDay), end: show(item.end, allDay) });
  }
  process.stdout.write(JSON.stringify(events));
}

if (/^https?:\/\//.test(source)) {
  ical.async.fromURL(source).then(print).catch((err) => { console.error(String(err)); process.exit(1); });
} else {
  print(ical.sync.parseFile(source));
}
