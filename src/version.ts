export const CANDOR_VERSION = '0.1.0';
