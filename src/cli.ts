console.error('fastmoss-etl: not implemented yet');
process.exit(2);
