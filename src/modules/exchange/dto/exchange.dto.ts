import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

export class ReasonDto {
  @ApiProperty({ description: 'Why (sent to the other side with the status or request)' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason: string;
}

export class RequestDto extends ReasonDto {
  @ApiProperty({ enum: ['recall', 'update', 'replace'] })
  @IsIn(['recall', 'update', 'replace'])
  kind: 'recall' | 'update' | 'replace';
}

export class DecisionDto {
  @ApiProperty({ enum: ['agree', 'refuse'] })
  @IsIn(['agree', 'refuse'])
  decision: 'agree' | 'refuse';

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class ReceivedQueryDto {
  @ApiPropertyOptional({ enum: ['received', 'registered', 'returned', 'pending', 'agreed', 'refused', 'cancelled'] })
  @IsOptional()
  @IsIn(['received', 'registered', 'returned', 'pending', 'agreed', 'refused', 'cancelled'])
  state?: string;
}

export class PeerDto {
  @ApiProperty({ example: '000.00.00.G22' })
  @IsString()
  @Matches(/^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3}$/)
  organId: string;

  @ApiProperty() @IsString() @MinLength(1) @MaxLength(200) name: string;

  @ApiProperty({ enum: ['direct', 'vxp'] }) @IsIn(['direct', 'vxp']) adapter: 'direct' | 'vxp';

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) endpointUrl?: string;

  @ApiPropertyOptional({ description: 'PEM public key or certificate of the peer installation' })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  publicKey?: string;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;
}

export class PeerPatchDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional({ enum: ['direct', 'vxp'] }) @IsOptional() @IsIn(['direct', 'vxp']) adapter?: 'direct' | 'vxp';
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) endpointUrl?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20000) publicKey?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;
}
