import { describe, expect, it } from 'vitest';
import { dicomDate, personName, shortUid } from './format';

describe('DICOM values as people read them', () => {
  it('writes DICOM dates as YYYY-MM-DD and leaves other text alone', () => {
    expect(dicomDate('20240105')).toBe('2024-01-05');
    expect(dicomDate(null)).toBe('');
    expect(dicomDate('2024')).toBe('2024');
  });

  it('writes person names family first, without the component separators', () => {
    expect(personName('Doe^Jane^Q')).toBe('Doe, Jane Q');
    expect(personName('PLASTIC')).toBe('PLASTIC');
    expect(personName('Yamada^Tarou=山田^太郎')).toBe('Yamada, Tarou');
    expect(personName(null)).toBe('');
  });

  it('shortens long UIDs to their end', () => {
    expect(shortUid('1.2.3')).toBe('1.2.3');
    expect(shortUid('1.3.46.670589.33.1.27492712521914879309.27169771283235650014')).toBe('…9771283235650014');
  });
});
