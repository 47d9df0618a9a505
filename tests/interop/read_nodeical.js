// Reads an .ics file, or subscribes to a feed URL (node-ical fetches it over HTTP), with
// node-ical, and prints its VEVENTs as JSON, like read_icaljs.js.
'use strict';
const ical = require('node-ical');

const pad = (n) => String(n).padStart(2, '0');
const day = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

function print(parsed) {
  const events = [];
  for (const key of Object.keys(parsed)) {
    const item = parsed[key];
    if (item.type !== 'VEVENT') continue;
    const allDay = item.datetype === 'date' || Boolean(item.start && item.start.dateOnly);
    const show = (d) => (!d ? null : allDay ? day(d) : d.toISOString());
    const summary = typeof item.summary === 'object' && item.summary !== null ? item.summary.val : item.summary;
    events.push({ summary, allDay, start: show(item.start), end: show(item.end) });
  }
  process.stdout.write(JSON.stringify(events));
}

const source = process.argv[2];
if (/^https?:\/\//.test(source)) {
  ical.async.fromURL(source).then(print).catch((err) => { console.error(String(err)); process.exit(1); });
} else {
  print(ical.sync.parseFile(source));
}
