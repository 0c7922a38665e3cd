import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, Min } from 'class-validator';

export const PROCESS_ID = /^[A-Za-z_][\w.-]{0,99}$/;

export class StartInstanceDto {
  @ApiProperty({ example: 'outgoing-document' })
  @Matches(PROCESS_ID, { message: 'processId must be a BPMN process id' })
  processId: string;

  // A JSON body carries a real number: no coercion here (true or "2" are refused), unlike query strings.
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) version?: number;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) businessKey?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  variables?: Record<string, unknown>;
}

export class ListInstancesQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) businessKey?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(PROCESS_ID) processId?: string;
  @ApiPropertyOptional({ enum: ['active', 'completed', 'cancelled', 'incident'] })
  @IsOptional()
  @IsIn(['active', 'completed', 'cancelled', 'incident'])
  state?: 'active' | 'completed' | 'cancelled' | 'incident';
}

export class AgencyQuery {
  @ApiPropertyOptional({ description: 'an agency the caller administers (default: their own)' })
  @IsOptional()
  @IsUUID()
  agencyId?: string;
}

export class XmlQuery extends AgencyQuery {
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) version?: number;
}

export class ListIncidentsQuery {
  @ApiPropertyOptional({ enum: ['open', 'resolved'] }) @IsOptional() @IsIn(['open', 'resolved']) state?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(36) instanceId?: string;
}
