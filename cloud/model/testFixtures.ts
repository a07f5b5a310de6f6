/** A tiny labelled corpus for tests (a few notes, a few codes): trains in well under a second. */
import type { DescriptionInput } from './matcher.js';
import type { TrainingDoc } from './model.js';

export const TINY_DESCRIPTIONS: DescriptionInput[] = [
  { code: 'J18.9', description: 'Pneumonia, unspecified organism' },
  { code: 'I10', description: 'Essential (primary) hypertension' },
  { code: 'R50.9', description: 'Fever, unspecified' },
  { code: 'E11.9', description: 'Type 2 diabetes mellitus without complications' },
  { code: 'N39.0', description: 'Urinary tract infection, site not specified' },
  { code: 'R52', description: 'Pain, unspecified' },
];

export const TINY_DOCS: TrainingDoc[] = [
  { id: 'n1', text: 'A 70-year-old man with fever and cough. Chest X-ray showed right lower lobe pneumonia. Treated with antibiotics.', diagnoses: ['j18.9', 'r50.9'], procedures: ['bw03zzz'] },
  { id: 'n2', text: 'History of hypertension and type 2 diabetes mellitus. She presented with lobar pneumonia and fever.', diagnoses: ['j18.9', 'i10', 'e11.9', 'r50.9'], procedures: [] },
  { id: 'n3', text: 'Known hypertension treated with enalapril. Admitted for dysuria; urinary tract infection confirmed by culture.', diagnoses: ['i10', 'n39.0'], procedures: [] },
  { id: 'n4', text: 'Type 2 diabetes mellitus on metformin. Abdominal pain for two days, no fever.', diagnoses: ['e11.9', 'r52'], procedures: [] },
  { id: 'n5', text: 'Urinary tract infection with fever in a woman with diabetes mellitus. Pain in the flank.', diagnoses: ['n39.0', 'r50.9', 'e11.9', 'r52'], procedures: [] },
  { id: 'n6', text: 'Severe pain in the knee after a fall. Hypertension controlled. No other findings.', diagnoses: ['r52', 'i10'], procedures: ['bq0dzzz'] },
  { id: 'n7', text: 'Community acquired pneumonia with high fever, treated with levofloxacin. Hypertension.', diagnoses: ['j18.9', 'r50.9', 'i10'], procedures: [] },
  { id: 'n8', text: 'Diabetes mellitus type 2 with poor control. Urinary tract infection treated.', diagnoses: ['e11.9', 'n39.0'], procedures: [] },
];
