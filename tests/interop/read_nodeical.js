// Reads an .ics file with node-ical and prints its VEVENTs as JSON, like read_icaljs.js.
'use strict';
const ical = require('node-ical');

const pad = (n) => String(n).padStart(2, '0');
const day = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const parsed = ical.sync.parseFile(process.argv[2]);
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
