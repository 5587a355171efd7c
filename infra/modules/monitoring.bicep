// Workspace-based Application Insights: the app exports OpenTelemetry traces, metrics and logs here, and the App Service,
// storage and Key Vault diagnostic settings send their platform logs and metrics to the same workspace.

@description('Name of the Log Analytics workspace.')
param workspaceName string

@description('Name of the Application Insights component.')
param appInsightsName string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Days the workspace keeps data.')
@minValue(30)
@maxValue(730)
param retentionInDays int

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-07-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
  }
}

@description('Resource id of the Log Analytics workspace: where every resource sends its diagnostic logs and metrics.')
output workspaceId string = workspace.id

@description('Connection string for APPLICATIONINSIGHTS_CONNECTION_STRING (an ingestion address and key, not a storage credential).')
output connectionString string = appInsights.properties.ConnectionString
