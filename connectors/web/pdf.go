package web

import "errors"

// errNoPDF is the cause of a failure for a PDF while no PDF extractor is
// built in.
var errNoPDF = errors.New("PDF text extraction is not available in this build")

// pdfText extracts the text of a PDF.
func pdfText([]byte) (string, error) { return "", errNoPDF }
