import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class HandlingReportQuery {
  @ApiPropertyOptional({ enum: ['incoming', 'outgoing'], default: 'incoming' })
  @IsOptional()
  @IsIn(['incoming', 'outgoing'])
  direction?: 'incoming' | 'outgoing';

  @ApiPropertyOptional({ example: '2026-01-01', description: 'First day of the period (default 1 January)' })
  @IsOptional()
  @Matches(DATE, { message: 'from must be yyyy-MM-dd' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Last day of the period (default today)' })
  @IsOptional()
  @Matches(DATE, { message: 'to must be yyyy-MM-dd' })
  to?: string;

  @ApiPropertyOptional() @IsOptional() @IsUUID() unitId?: string;

  @ApiPropertyOptional({ enum: ['json', 'xlsx', 'pdf'] })
  @IsOptional()
  @IsIn(['json', 'xlsx', 'pdf'])
  format?: 'json' | 'xlsx' | 'pdf';
}
