//! The PostgreSQL type OIDs the connector binds and reads (fixed in `pg_type.dat`).

pub const BOOL: u32 = 16;
pub const NAME: u32 = 19;
pub const INT8: u32 = 20;
pub const INT2: u32 = 21;
pub const INT4: u32 = 23;
pub const TEXT: u32 = 25;
pub const JSON: u32 = 114;
pub const FLOAT4: u32 = 700;
pub const FLOAT8: u32 = 701;
pub const BPCHAR: u32 = 1042;
pub const VARCHAR: u32 = 1043;
pub const DATE: u32 = 1082;
pub const TIMESTAMP: u32 = 1114;
pub const TIMESTAMPTZ: u32 = 1184;
pub const NUMERIC: u32 = 1700;
pub const UUID: u32 = 2950;
pub const JSONB: u32 = 3802;

pub const BOOL_ARRAY: u32 = 1000;
pub const INT8_ARRAY: u32 = 1016;
pub const TEXT_ARRAY: u32 = 1009;
pub const DATE_ARRAY: u32 = 1182;
pub const TIMESTAMPTZ_ARRAY: u32 = 1185;
pub const NUMERIC_ARRAY: u32 = 1231;
pub const JSONB_ARRAY: u32 = 3807;

/// The element type of a built-in array type the connector reads.
pub fn element_of(array: u32) -> Option<u32> {
    Some(match array {
        BOOL_ARRAY => BOOL,
        1003 => NAME,
        1005 => INT2,
        1007 => INT4,
        INT8_ARRAY => INT8,
        TEXT_ARRAY => TEXT,
        199 => JSON,
        1021 => FLOAT4,
        1022 => FLOAT8,
        1014 => BPCHAR,
        1015 => VARCHAR,
        DATE_ARRAY => DATE,
        1115 => TIMESTAMP,
        TIMESTAMPTZ_ARRAY => TIMESTAMPTZ,
        NUMERIC_ARRAY => NUMERIC,
        2951 => UUID,
        JSONB_ARRAY => JSONB,
        _ => return None,
    })
}
