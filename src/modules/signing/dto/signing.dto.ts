import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';

export class IssueCertificateDto {
  @ApiPropertyOptional({ description: 'User to issue a personal certificate for (one of userId / agencyId)' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ description: 'Agency to issue the agency certificate for' })
  @IsOptional()
  @IsUUID()
  agencyId?: string;

  @ApiPropertyOptional({ description: 'PIN protecting the new key (default DEMO_PASSWORD when demo data is on)' })
  @IsOptional()
  @IsString()
  @MinLength(4)
  @MaxLength(100)
  pin?: string;
}

export class ImportPkcs12Dto extends IssueCertificateDto {
  @ApiProperty({ description: 'Password of the PKCS#12 file' })
  @IsString()
  @MaxLength(200)
  password: string;
}

export class RevokeCertificateDto {
  @ApiPropertyOptional({ example: 'keyCompromise' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}

export class ListCertificatesQuery {
  @IsOptional()
  @IsIn(['user', 'agency'])
  ownerType?: 'user' | 'agency';

  @IsOptional()
  @IsUUID()
  ownerId?: string;
}

export class ChangePinDto {
  @ApiProperty()
  @IsString()
  @MaxLength(100)
  currentPin: string;

  @ApiProperty({ minLength: 6 })
  @IsString()
  @MinLength(6)
  @MaxLength(100)
  newPin: string;
}
