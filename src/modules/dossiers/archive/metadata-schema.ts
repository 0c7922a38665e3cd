/**
 * The XML Schema of metadata.xml (dossier export and archive package): the tags and lengths of Decree 30/2020
 * appendix VI part II §I (outgoing), §II (incoming) and §III (dossier). Published as docs/schemas/ho-so-pl6.xsd
 * (a test keeps the two identical) and written into every archive package beside the metadata it describes.
 * No target namespace: the decree defines tags, not a namespace.
 */
export const METADATA_XSD_NAME = 'ho-so-pl6.xsd';

const str = (name: string, max: number, min = 0) =>
  `  <xs:simpleType name="${name}"><xs:restriction base="xs:string">` +
  (min ? `<xs:minLength value="${min}"/>` : '') +
  `<xs:maxLength value="${max}"/></xs:restriction></xs:simpleType>\n`;

export const METADATA_XSD = `<?xml version="1.0" encoding="UTF-8"?>
<!--
  hoso: metadata of electronic documents and dossiers, Decree 30/2020/ND-CP appendix VI part II.
  §I outgoing document (16 fields), §II incoming document (18 fields), §III dossier (11 fields), with the decree's
  tags and lengths. Extensions of hoso (not in the decree) are marked "hoso:" in their annotation.
  Priority Number(1): the decree defines no codes; hoso writes the urgency (0 normal, 1 Khẩn, 2 Thượng khẩn,
  3 Hỏa tốc) and the secrecy separately in SecrecyLevel (0 none, 1 Mật, 2 Tối mật, 3 Tuyệt mật).
  Archival: fields of Circular 05/2025/TT-BNV as far as they could be verified from public summaries (see README).
-->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified" version="1.0">
${str('S11', 11)}${str('S13', 13)}${str('S20', 20)}${str('S30', 30)}${str('S50', 50)}${str('S100', 100)}${str('S200', 200)}${str('S500', 500)}${str('S1000', 1000)}${str('Text', 1000000)}  <xs:simpleType name="N1"><xs:restriction base="xs:nonNegativeInteger"><xs:maxInclusive value="9"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="N3"><xs:restriction base="xs:nonNegativeInteger"><xs:maxInclusive value="999"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="N4"><xs:restriction base="xs:nonNegativeInteger"><xs:maxInclusive value="9999"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="N10"><xs:restriction base="xs:nonNegativeInteger"><xs:maxInclusive value="9999999999"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="Direction"><xs:restriction base="xs:string">
    <xs:enumeration value="outgoing"/><xs:enumeration value="incoming"/>
  </xs:restriction></xs:simpleType>
  <xs:simpleType name="Sha256"><xs:restriction base="xs:string"><xs:pattern value="[0-9a-f]{64}"/></xs:restriction></xs:simpleType>

  <xs:complexType name="FileCode">
    <xs:sequence>
      <xs:element name="OrganId" type="S13"/>
      <xs:element name="FileCatalog"><xs:simpleType><xs:restriction base="xs:positiveInteger"><xs:totalDigits value="4"/></xs:restriction></xs:simpleType></xs:element>
      <xs:element name="FileNotation" type="S20"/>
    </xs:sequence>
  </xs:complexType>

  <xs:complexType name="FileArchival">
    <xs:annotation><xs:documentation>Circular 05/2025/TT-BNV, dossier layer: archival code, access, confidence level.</xs:documentation></xs:annotation>
    <xs:sequence>
      <xs:element name="Identifier" type="S50"/>
      <xs:element name="Mode" type="S30"/>
      <xs:element name="ConfidenceLevel" type="S30"/>
      <xs:element name="SecrecyLevel" type="N1"/>
    </xs:sequence>
  </xs:complexType>

  <xs:complexType name="DocumentArchival">
    <xs:annotation><xs:documentation>Circular 05/2025/TT-BNV, document layer: archival code (file code + 7-digit ordinal; unverified), access, confidence level.</xs:documentation></xs:annotation>
    <xs:sequence>
      <xs:element name="Identifier" type="S100"/>
      <xs:element name="Mode" type="S30"/>
      <xs:element name="ConfidenceLevel" type="S30"/>
    </xs:sequence>
  </xs:complexType>

  <xs:complexType name="File">
    <xs:sequence>
      <xs:element name="FileCode" type="FileCode"/>
      <xs:element name="FileCodeText" type="S50" minOccurs="0"/>
      <xs:element name="Title" type="S500"/>
      <xs:element name="Maintenance" type="S30" minOccurs="0"/>
      <xs:element name="Rights" type="S30"/>
      <xs:element name="Creator" type="S30"/>
      <xs:element name="Language" type="S50"/>
      <xs:element name="StartDate" type="xs:date" minOccurs="0"/>
      <xs:element name="EndDate" type="xs:date" minOccurs="0"/>
      <xs:element name="DocTotal" type="N4"/>
      <xs:element name="PageTotal" type="N4"/>
      <xs:element name="Description" type="S500"/>
      <xs:element name="Archival" type="FileArchival" minOccurs="0"/>
    </xs:sequence>
  </xs:complexType>

  <xs:complexType name="SignerInfo">
    <xs:sequence>
      <xs:element name="Position" type="S100" minOccurs="0"/>
      <xs:element name="FullName" type="S50" minOccurs="0"/>
    </xs:sequence>
  </xs:complexType>

  <xs:complexType name="To">
    <xs:sequence>
      <xs:element name="Place" maxOccurs="unbounded">
        <xs:complexType><xs:sequence>
          <xs:element name="OrganId" type="S13" minOccurs="0"/>
          <xs:element name="OrganName" type="S200"/>
        </xs:sequence></xs:complexType>
      </xs:element>
    </xs:sequence>
  </xs:complexType>

  <xs:complexType name="TraceHeaderList">
    <xs:sequence>
      <xs:element name="TraceHeader" minOccurs="0" maxOccurs="unbounded">
        <xs:complexType><xs:sequence>
          <xs:element name="At" type="xs:dateTime"/>
          <xs:element name="Actor" type="S100"/>
          <xs:element name="Action" type="S50"/>
          <xs:element name="Note" type="Text" minOccurs="0"/>
        </xs:sequence></xs:complexType>
      </xs:element>
    </xs:sequence>
  </xs:complexType>

  <xs:complexType name="Files">
    <xs:sequence>
      <xs:element name="File" minOccurs="0" maxOccurs="unbounded">
        <xs:complexType><xs:sequence>
          <xs:element name="path" type="S1000"/>
          <xs:element name="sha256" type="Sha256"/>
          <xs:element name="mediaType" type="S100"/>
          <xs:element name="size" type="xs:nonNegativeInteger"/>
          <xs:element name="role" type="S20"/>
          <xs:element name="Content" type="xs:base64Binary" minOccurs="0"/>
        </xs:sequence></xs:complexType>
      </xs:element>
    </xs:sequence>
  </xs:complexType>

  <xs:complexType name="Document">
    <xs:sequence>
      <xs:element name="DocumentId" type="S50"/>
      <xs:element name="FileCode" type="FileCode"/>
      <xs:element name="DocOrdinal" type="N3"/>
      <xs:element name="Direction" type="Direction"/>
      <xs:element name="TypeName" type="S100"/>
      <xs:element name="CodeNumber" type="S11" minOccurs="0"/>
      <xs:element name="CodeNotation" type="S30" minOccurs="0"/>
      <xs:element name="IssuedDate" type="xs:date" minOccurs="0"/>
      <xs:element name="OrganName" type="S200"/>
      <xs:element name="Subject" type="S500"/>
      <xs:element name="Language" type="S30"/>
      <xs:element name="PageAmount" type="N3"/>
      <xs:element name="Description" type="S500"/>
      <xs:element name="SignerInfo" type="SignerInfo"/>
      <xs:element name="To" type="To" minOccurs="0"/>
      <xs:element name="Priority" type="N1"/>
      <xs:element name="SecrecyLevel" type="N1"><xs:annotation><xs:documentation>hoso: 0 none, 1 Mật, 2 Tối mật, 3 Tuyệt mật</xs:documentation></xs:annotation></xs:element>
      <xs:element name="IssuedAmount" type="N3" minOccurs="0"/>
      <xs:element name="ArrivalDate" type="xs:date" minOccurs="0"/>
      <xs:element name="ArrivalNumber" type="N10" minOccurs="0"/>
      <xs:element name="ToPlaces" type="S1000" minOccurs="0"/>
      <xs:element name="TraceHeaderList" type="TraceHeaderList" minOccurs="0"/>
      <xs:element name="DueDate" type="xs:date" minOccurs="0"/>
      <xs:element name="Archival" type="DocumentArchival" minOccurs="0"/>
      <xs:element name="Files" type="Files"/>
    </xs:sequence>
  </xs:complexType>

  <xs:element name="HoSo">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="File" type="File"/>
        <xs:element name="Documents" minOccurs="0">
          <xs:complexType><xs:sequence>
            <xs:element name="Document" type="Document" maxOccurs="unbounded"/>
          </xs:sequence></xs:complexType>
        </xs:element>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
</xs:schema>
`;
