// Reads an .ics file with Mozilla's ical.js (Thunderbird's parser) and prints its VEVENTs
// as JSON: summary, whether all-day, start and end (dates as YYYY-MM-DD, times as UTC ISO).
'use strict';
const fs = require('fs');
const ICAL = require('ical.js');

const root = new ICAL.Component(ICAL.parse(fs.readFileSync(process.argv[2], 'utf8')));
for (const zone of root.getAllSubcomponents('vtimezone')) {
  ICAL.TimezoneService.register(zone);
}
const text = (t) => (t === null ? null : t.isDate ? t.toString() : t.toJSDate().toISOString());
const events = root.getAllSubcomponents('vevent').map((component) => {
  const event = new ICAL.Event(component);
  return { summary: event.summary, allDay: event.startDate.isDate, start: text(event.startDate), end: text(event.endDate) };
});
process.stdout.write(JSON.stringify(events));
