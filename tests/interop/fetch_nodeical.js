// Subscribes to a feed URL with node-ical (it fetches over HTTP) and prints its VEVENTs
// as JSON, like read_nodeical.js.
'use strict';
const ical = require('node-ical');

const pad = (n) => String(n).padStart(2, '0');
const day = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
ical.async.fromURL(process.argv[2]).then((parsed) => {
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
}).catch((err) => { console.error(String(err)); process.exit(1); });
