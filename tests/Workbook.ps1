# Workbooks as the tests check them: what is on each sheet (an .xlsx is a zip of XML), and
# whether Excel would open it without offering a repair (xlsx-validate: Microsoft's Open XML SDK
# validator with Office 2019 rules). Dot-source it; it declares functions only.
#
# The validator is found through LICENSEAUDIT_XLSX_VALIDATE (.ci/run sets it) or as
# `xlsx-validate` on PATH. Without it a workbook is not validated, except under CI (CI=true),
# where that is a failure: every workbook a test writes must pass it there.

function Get-TestXlsxValidator {
    if ($env:LICENSEAUDIT_XLSX_VALIDATE) {
        if (-not (Test-Path -LiteralPath $env:LICENSEAUDIT_XLSX_VALIDATE -PathType Leaf)) {
            throw [System.IO.FileNotFoundException]::new("LICENSEAUDIT_XLSX_VALIDATE names no file: $env:LICENSEAUDIT_XLSX_VALIDATE")
        }
        return $env:LICENSEAUDIT_XLSX_VALIDATE
    }
    $command = Get-Command xlsx-validate -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($command) { return $command.Source }
    if ($env:CI -eq 'true') {
        throw [System.InvalidOperationException]::new('xlsx-validate is not there (set LICENSEAUDIT_XLSX_VALIDATE or put it on PATH): under CI every workbook a test writes must pass it.')
    }
    $null
}

function Assert-TestWorkbookValid {
    # Fails (throws) when a workbook does not pass xlsx-validate, naming each error; does nothing
    # where the validator is not installed (outside CI).
    param([Parameter(Mandatory)][string[]]$Path)
    $validator = Get-TestXlsxValidator
    if (-not $validator) { return }
    foreach ($one in $Path) {
        if (-not (Test-Path -LiteralPath $one -PathType Leaf)) { throw [System.IO.FileNotFoundException]::new("No workbook at $one") }
        $errors = @(& $validator $one 2>&1)
        if ($LASTEXITCODE -ne 0) {
            throw [System.InvalidOperationException]::new(("xlsx-validate refused {0} (exit {1}):`n{2}" -f $one, $LASTEXITCODE, (($errors | ForEach-Object { "$_" }) -join "`n")))
        }
    }
}

function Get-TestWorkbookSheet {
    # One object per worksheet, in workbook order: Sheet (its name), Rows (rows with content) and
    # Columns (columns with content), read from the sheet's XML.
    param([Parameter(Mandatory)][string]$Path)
    Add-Type -AssemblyName System.IO.Compression.FileSystem -ErrorAction SilentlyContinue
    $zip = [System.IO.Compression.ZipFile]::OpenRead($Path)
    try {
        $read = {
            param($Name)
            $stream = $zip.GetEntry($Name).Open()
            $reader = New-Object System.IO.StreamReader -ArgumentList $stream
            try { $reader.ReadToEnd() } finally { $reader.Dispose() }
        }
        $workbook = [xml](& $read 'xl/workbook.xml')
        $relations = [xml](& $read 'xl/_rels/workbook.xml.rels')
        $relationNs = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
        foreach ($sheet in $workbook.workbook.sheets.sheet) {
            $id = $sheet.GetAttribute('id', $relationNs)
            $target = [string](@($relations.Relationships.Relationship | Where-Object { $_.Id -eq $id })[0].Target)
            $entry = if ($target.StartsWith('/')) { $target.TrimStart('/') } else { 'xl/' + $target }
            $xml = [xml](& $read $entry)
            $rows = 0
            $columns = 0
            foreach ($row in @($xml.worksheet.sheetData.row)) {
                if ($null -eq $row) { continue }
                $filled = @($row.c | Where-Object { $null -ne $_ -and ($_.v -or $_.is) })
                if ($filled.Count -eq 0) { continue }
                $rows++
                foreach ($cell in $filled) {
                    $letters = ([string]$cell.r) -replace '\d', ''
                    $index = 0
                    foreach ($ch in $letters.ToCharArray()) { $index = $index * 26 + ([int][char]$ch - [int][char]'A' + 1) }
                    if ($index -gt $columns) { $columns = $index }
                }
            }
            [pscustomobject]@{ Sheet = [string]$sheet.name; Rows = $rows; Columns = $columns }
        }
    }
    finally {
        $zip.Dispose()
    }
}
