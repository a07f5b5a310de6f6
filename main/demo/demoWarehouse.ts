import type { WarehouseAdmin } from '../warehouse/admin.js';
import type { DemoBatch } from './demoSeed.js';

/** Encounters (with their notes) per warehouse write: one transaction in the local warehouse. */
const CHUNK = 5000;

/**
 * Loads demo encounters into a warehouse as the hospital's systems would put them there: every field the
 * worklist shows, marked synthetic, unassigned (the first coder to claim one gets it). The store gets them
 * by sync, like real work.
 */
export async function loadDemoIntoWarehouse(warehouse: WarehouseAdmin, batch: DemoBatch): Promise<void> {
  for (let i = 0; i < batch.encounters.length; i += CHUNK) {
    const encounters = batch.encounters.slice(i, i + CHUNK);
    const ids = new Set(encounters.map((e) => e.id));
    await warehouse.upsertEncounters(
      encounters.map((e) => ({
        encounterId: e.id,
        mrn: e.mrn,
        patientName: e.patientName,
        admitDate: e.admitDate,
        dischargeDate: e.dischargeDate,
        serviceLine: e.serviceLine,
        sex: e.sex === 'F' || e.sex === 'M' ? e.sex : null,
        age: e.age,
        facility: e.facility,
        payer: e.payer,
        disposition: e.disposition,
        dueDate: e.dueDate,
        synthetic: true,
        assignedTo: null,
      })),
    );
    await warehouse.upsertNotes(batch.notes.filter((n) => ids.has(n.encounterId)).map((n) => ({ noteId: n.id, encounterId: n.encounterId, kind: n.kind, text: n.text })));
  }
}
