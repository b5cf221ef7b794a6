"""Exports in the graph: the Export type, Tenant.exports, createExport, deleteExport, exportDownload."""
