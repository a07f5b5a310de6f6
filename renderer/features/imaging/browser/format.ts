/** How DICOM values read to a person. */

/** YYYYMMDD → YYYY-MM-DD; anything else as it came ('' for none). */
export function dicomDate(value: string | null): string {
  if (!value) return '';
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : value;
}

/** DICOM person names are `Family^Given^Middle^Prefix^Suffix`: shown as "Family, Given Middle". */
export function personName(value: string | null): string {
  if (!value) return '';
  const [family = '', given = '', middle = ''] = value.split('=')[0]?.split('^') ?? [];
  const rest = [given, middle].filter(Boolean).join(' ');
  return rest ? `${family}, ${rest}` : family;
}

/** The end of a long UID, enough to tell studies apart at a glance. */
export function shortUid(uid: string | null): string {
  if (!uid) return '';
  return uid.length > 18 ? `…${uid.slice(-16)}` : uid;
}
