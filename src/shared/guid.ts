/**
 * The one GUID grammar (8-4-4-4-12 hexadecimal digits, either letter case) that invite links,
 * the directory client and the local directory all check handle ids, SCIDs and connection ids
 * against, so "is this a handle id" has one answer on both ends of the protocol.
 */
export const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
