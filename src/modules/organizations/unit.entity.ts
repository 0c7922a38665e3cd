import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn } from '../../database/columns.js';

/** An internal unit (đơn vị, phòng ban) of an agency, e.g. VP = Văn phòng. */
@Entity('unit')
@Index(['agencyId', 'abbreviation'], { unique: true })
export class UnitEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  agencyId: string;

  @IdColumn({ nullable: true })
  parentUnitId: string | null;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 20 })
  abbreviation: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;
}
