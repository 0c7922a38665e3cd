import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

export class DossierReportQuery {
  @ApiPropertyOptional({ description: 'Defaults to the current business year' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1900)
  @Max(2200)
  year?: number;

  @ApiPropertyOptional({ enum: ['province', 'department', 'district', 'commune', 'other'] })
  @IsOptional()
  @IsIn(['province', 'department', 'district', 'commune', 'other'])
  level?: string;

  @ApiPropertyOptional({ description: 'Limit to this agency and its subtree' })
  @IsOptional()
  @IsUUID()
  agencyId?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'] })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}
