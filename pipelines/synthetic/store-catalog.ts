import { hash32, STREAM, UNIT_SCALE } from './hash-rng.js';

/** One row of the store master data: where the store is and its format. */
export interface StoreRecord {
  readonly storeNbr: number;
  readonly city: string;
  readonly state: string;
  readonly type: 'A' | 'B' | 'C' | 'D' | 'E';
  readonly cluster: number;
}

/** A store with the demand-model parameters derived from its format and cluster. */
export interface SyntheticStore extends StoreRecord {
  /** Relative sales volume: format factor × cluster factor. */
  readonly volume: number;
  /** Probability of carrying a food or household item. */
  readonly carryRate: number;
  /** Probability of carrying a general-merchandise item. */
  readonly generalCarryRate: number;
  /** Tickets per unit sold: smaller formats see smaller baskets. */
  readonly ticketsPerUnit: number;
}

const s = (storeNbr: number, city: string, state: string, type: StoreRecord['type'], cluster: number): StoreRecord => ({
  storeNbr,
  city,
  state,
  type,
  cluster,
});

/** The 54 Favorita stores: Ecuadorian cities and provinces, formats A–E, clusters 1–17. */
export const ECUADOR_STORES: readonly StoreRecord[] = [
  s(1, 'Quito', 'Pichincha', 'D', 13),
  s(2, 'Quito', 'Pichincha', 'D', 13),
  s(3, 'Quito', 'Pichincha', 'D', 8),
  s(4, 'Quito', 'Pichincha', 'D', 9),
  s(5, 'Santo Domingo', 'Santo Domingo de los Tsachilas', 'D', 4),
  s(6, 'Quito', 'Pichincha', 'D', 13),
  s(7, 'Quito', 'Pichincha', 'D', 8),
  s(8, 'Quito', 'Pichincha', 'D', 8),
  s(9, 'Quito', 'Pichincha', 'B', 6),
  s(10, 'Quito', 'Pichincha', 'C', 15),
  s(11, 'Cayambe', 'Pichincha', 'B', 6),
  s(12, 'Latacunga', 'Cotopaxi', 'C', 15),
  s(13, 'Latacunga', 'Cotopaxi', 'C', 15),
  s(14, 'Riobamba', 'Chimborazo', 'C', 7),
  s(15, 'Ibarra', 'Imbabura', 'C', 15),
  s(16, 'Santo Domingo', 'Santo Domingo de los Tsachilas', 'C', 3),
  s(17, 'Quito', 'Pichincha', 'C', 12),
  s(18, 'Quito', 'Pichincha', 'B', 16),
  s(19, 'Guaranda', 'Bolivar', 'C', 15),
  s(20, 'Quito', 'Pichincha', 'B', 6),
  s(21, 'Santo Domingo', 'Santo Domingo de los Tsachilas', 'B', 6),
  s(22, 'Puyo', 'Pastaza', 'C', 7),
  s(23, 'Ambato', 'Tungurahua', 'D', 9),
  s(24, 'Guayaquil', 'Guayas', 'D', 1),
  s(25, 'Salinas', 'Santa Elena', 'D', 1),
  s(26, 'Guayaquil', 'Guayas', 'D', 10),
  s(27, 'Daule', 'Guayas', 'D', 1),
  s(28, 'Guayaquil', 'Guayas', 'E', 10),
  s(29, 'Guayaquil', 'Guayas', 'E', 10),
  s(30, 'Guayaquil', 'Guayas', 'C', 3),
  s(31, 'Babahoyo', 'Los Rios', 'B', 10),
  s(32, 'Guayaquil', 'Guayas', 'C', 3),
  s(33, 'Quevedo', 'Los Rios', 'C', 3),
  s(34, 'Guayaquil', 'Guayas', 'B', 6),
  s(35, 'Playas', 'Guayas', 'C', 3),
  s(36, 'Libertad', 'Guayas', 'E', 10),
  s(37, 'Cuenca', 'Azuay', 'D', 2),
  s(38, 'Loja', 'Loja', 'D', 4),
  s(39, 'Cuenca', 'Azuay', 'B', 6),
  s(40, 'Machala', 'El Oro', 'C', 3),
  s(41, 'Machala', 'El Oro', 'D', 4),
  s(42, 'Cuenca', 'Azuay', 'D', 2),
  s(43, 'Esmeraldas', 'Esmeraldas', 'E', 10),
  s(44, 'Quito', 'Pichincha', 'A', 5),
  s(45, 'Quito', 'Pichincha', 'A', 11),
  s(46, 'Quito', 'Pichincha', 'A', 14),
  s(47, 'Quito', 'Pichincha', 'A', 14),
  s(48, 'Quito', 'Pichincha', 'A', 14),
  s(49, 'Quito', 'Pichincha', 'A', 11),
  s(50, 'Ambato', 'Tungurahua', 'A', 14),
  s(51, 'Guayaquil', 'Guayas', 'A', 17),
  s(52, 'Manta', 'Manabi', 'A', 11),
  s(53, 'Manta', 'Manabi', 'D', 13),
  s(54, 'El Carmen', 'Manabi', 'C', 3),
];

/**
 * Format effects: hypermarkets (A) sell most and carry the most; small formats (C, E) the least. A store carries
 * about 80% of the catalogue: in Kaggle's 2017 data 167,515 store×item pairs sell, of the 210,654 cells of the
 * test grid.
 */
export const STORE_TYPE_EFFECTS: Readonly<
  Record<StoreRecord['type'], { volume: number; carry: number; generalCarry: number; ticketsPerUnit: number }>
> = {
  A: { volume: 1.8, carry: 0.89, generalCarry: 0.86, ticketsPerUnit: 0.17 },
  B: { volume: 1.0, carry: 0.84, generalCarry: 0.72, ticketsPerUnit: 0.21 },
  C: { volume: 0.6, carry: 0.79, generalCarry: 0.55, ticketsPerUnit: 0.26 },
  D: { volume: 1.2, carry: 0.84, generalCarry: 0.75, ticketsPerUnit: 0.19 },
  E: { volume: 0.75, carry: 0.77, generalCarry: 0.5, ticketsPerUnit: 0.28 },
};

/** Cluster effect on volume, in [0.8, 1.25): clusters group stores with similar shoppers. */
export function clusterVolume(seed: number, cluster: number): number {
  return 0.8 + 0.45 * hash32(seed, STREAM.cluster, cluster) * UNIT_SCALE;
}

/** The stores of a scale, in store_nbr order, with their demand parameters. */
export function buildStores(seed: number, storeNbrs: readonly number[]): SyntheticStore[] {
  const byNbr = new Map(ECUADOR_STORES.map((r) => [r.storeNbr, r]));
  return [...storeNbrs]
    .sort((a, b) => a - b)
    .map((nbr) => {
      const record = byNbr.get(nbr);
      if (!record) throw new RangeError(`unknown store_nbr ${nbr}`);
      const effect = STORE_TYPE_EFFECTS[record.type];
      // Clusters also shift assortment a little: the same hash that sets volume nudges the carry rates.
      const c = clusterVolume(seed, record.cluster);
      const carryShift = (c - 1) * 0.05;
      return {
        ...record,
        volume: effect.volume * c,
        carryRate: Math.min(1, effect.carry + carryShift),
        generalCarryRate: Math.min(1, effect.generalCarry + carryShift),
        ticketsPerUnit: effect.ticketsPerUnit,
      };
    });
}
