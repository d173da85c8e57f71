/**
 * MPSD keeps `properties.system.host` only while it names a member's device token; when the host
 * leaves (or a write names a device no member has) the property is deleted, so a joining client
 * never tries to connect to a device that is gone.
 */
import { sessionRecord, type SessionRecord } from './session-record';

export function dropStaleHost(record: SessionRecord): SessionRecord {
  const host = record.propertiesSystem.host;
  if (typeof host !== 'string') return record;
  const wanted = host.toLowerCase();
  if (record.members.some((member) => member.deviceToken?.toLowerCase() === wanted)) return record;
  const { host: _removed, ...rest } = record.propertiesSystem;
  return sessionRecord(record, { propertiesSystem: rest });
}
